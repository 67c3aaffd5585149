//! Real-world payloads from OpenAI-compatible servers, and the support types' own rules.

#[allow(
    unused_imports,
    reason = "shared with the feature modules below, some of which may be off"
)]
use serde_json::{Value, json};

#[allow(
    unused_imports,
    reason = "shared with the feature modules below, some of which may be off"
)]
use super::testing::{assert_json_eq, round_trip};
use super::{FieldState, Nullable};

#[cfg(feature = "chat")]
mod chat {
    use super::*;
    use crate::generated::chat::{
        ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams,
        ChatCompletionMessageParam, ServiceTier,
    };
    use crate::generated::shared::CompletionUsage;

    fn completion(extra: Value) -> Value {
        let mut v = json!({
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1741569952,
            "model": "llama-3.1-8b-instant",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": "Hi", "refusal": null},
                "logprobs": null,
                "finish_reason": "stop"
            }],
            "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
        });
        for (k, val) in extra.as_object().into_iter().flatten() {
            v[k] = val.clone();
        }
        v
    }

    #[test]
    fn constants_are_borrowed_and_other_values_kept() {
        use std::borrow::Cow;
        let c: ChatCompletion = serde_json::from_value(completion(json!({}))).unwrap();
        assert!(matches!(c.object, Cow::Borrowed("chat.completion")));
        let odd = completion(json!({"object": "chat.completion.v2"}));
        let c: ChatCompletion = serde_json::from_value(odd.clone()).unwrap();
        assert_eq!(c.object, "chat.completion.v2");
        round_trip::<ChatCompletion>(&odd.to_string());
        let built = ChatCompletionChunk::new("m", "id", Vec::new(), 0);
        assert!(matches!(
            built.object,
            Cow::Borrowed("chat.completion.chunk")
        ));
    }

    #[test]
    fn groq_on_demand_service_tier() {
        let json = completion(json!({"service_tier": "on_demand", "x_groq": {"id": "req_1"}}));
        let c: ChatCompletion = round_trip(&json.to_string());
        let tier = c.service_tier.as_ref().expect("service tier");
        assert!(matches!(tier, ServiceTier::Unknown(_)));
        assert_eq!(tier.as_str(), "on_demand");
        assert_eq!(
            c.extra_fields().get("x_groq"),
            Some(&json!({"id": "req_1"}))
        );
        assert_eq!(c.field_state("x_groq"), FieldState::Present);
    }

    #[test]
    fn empty_finish_reason() {
        let mut json = completion(json!({}));
        json["choices"][0]["finish_reason"] = json!("");
        let c: ChatCompletion = round_trip(&json.to_string());
        assert_eq!(c.choices[0].finish_reason.as_str(), "");
    }

    #[test]
    fn compat_server_without_object_and_created() {
        let mut json = completion(json!({}));
        let obj = json.as_object_mut().unwrap();
        obj.remove("object");
        obj.remove("created");
        let c: ChatCompletion = round_trip(&json.to_string());
        assert_eq!(c.object, "chat.completion");
        assert_eq!(c.field_state("object"), FieldState::Missing);
        assert_eq!(c.field_state("created"), FieldState::Missing);
        assert_eq!(c.field_state("model"), FieldState::Present);
        assert_eq!(c.field_state("nope"), FieldState::Missing);
        // Serializing leaves them out again.
        let back = serde_json::to_value(&c).unwrap();
        assert!(back.get("object").is_none() && back.get("created").is_none());
    }

    #[test]
    fn deepseek_reasoning_content_kept_and_resent() {
        let mut json = completion(json!({}));
        json["choices"][0]["message"]["reasoning_content"] = json!("Let me think.");
        let c: ChatCompletion = round_trip(&json.to_string());
        let message = &c.choices[0].message;
        assert_eq!(
            message.extra_fields().get("reasoning_content"),
            Some(&json!("Let me think."))
        );
        assert_eq!(message.content.as_deref(), Some("Hi"));

        // Sent back in the next request as an assistant message.
        let request = json!({
            "model": "deepseek-reasoner",
            "messages": [
                {"role": "user", "content": "2+2?"},
                {"role": "assistant", "content": "4", "reasoning_content": "Let me think."}
            ]
        });
        let params: ChatCompletionCreateParams = round_trip(&request.to_string());
        let ChatCompletionMessageParam::Assistant(assistant) = &params.messages[1] else {
            panic!("assistant message expected: {:?}", params.messages[1]);
        };
        assert_eq!(
            assistant.extra_fields().get("reasoning_content"),
            Some(&json!("Let me think."))
        );
    }

    #[test]
    fn vllm_tool_call_chunk_without_arguments() {
        let json = json!({
            "id": "chatcmpl-2",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "qwen",
            "choices": [{
                "index": 0,
                "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather"}}]},
                "finish_reason": null
            }]
        });
        let chunk: ChatCompletionChunk = round_trip(&json.to_string());
        let call = &chunk.choices[0].delta.tool_calls.as_ref().unwrap()[0];
        let function = call.function.as_ref().unwrap();
        assert_eq!(function.name.as_deref(), Some("get_weather"));
        assert!(function.arguments.is_absent());
    }

    #[test]
    fn usage_without_token_details() {
        let usage: CompletionUsage =
            round_trip(r#"{"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}"#);
        assert_eq!(usage.total_tokens, 12);
        assert!(usage.prompt_tokens_details.is_absent());
    }

    #[test]
    fn required_null_is_written_back_as_null() {
        let mut json = completion(json!({}));
        json["model"] = Value::Null;
        let c: ChatCompletion = round_trip(&json.to_string());
        assert_eq!(c.field_state("model"), FieldState::Null);
    }

    #[test]
    fn request_params_build_and_serialize() {
        let params = ChatCompletionCreateParams::new(
            "gpt-4o",
            [ChatCompletionMessageParam::from(
                crate::generated::chat::ChatCompletionUserMessageParam::new("Hello"),
            )],
        )
        .temperature(0.2)
        .max_completion_tokens(100);
        let v = serde_json::to_value(&params).unwrap();
        assert_json_eq(
            &v,
            &json!({
                "model": "gpt-4o",
                "messages": [{"role": "user", "content": "Hello"}],
                "temperature": 0.2,
                "max_completion_tokens": 100
            }),
        );
    }

    #[test]
    fn request_params_reject_missing_model() {
        let err =
            serde_json::from_str::<ChatCompletionCreateParams>(r#"{"messages": []}"#).unwrap_err();
        assert!(err.to_string().contains("model"), "{err}");
    }

    #[test]
    fn unknown_message_role_is_kept_raw() {
        let json = json!({"role": "critic", "content": "meh", "score": 3});
        let m: ChatCompletionMessageParam = round_trip(&json.to_string());
        assert!(matches!(m, ChatCompletionMessageParam::Unknown(_)));
    }

    #[test]
    fn tag_not_first_still_dispatches() {
        let json = json!({"content": "Hello", "role": "user"});
        let m: ChatCompletionMessageParam = round_trip(&json.to_string());
        assert!(matches!(m, ChatCompletionMessageParam::User(_)));
    }
}

#[cfg(feature = "responses")]
mod responses {
    use super::*;
    use crate::generated::responses::Response;

    #[test]
    fn response_without_object() {
        let json = json!({
            "id": "resp_1",
            "created_at": 1741476542,
            "status": "completed",
            "model": "gpt-4.1",
            "output": [{
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Hi", "annotations": []}]
            }],
            "parallel_tool_calls": true,
            "tool_choice": "auto",
            "tools": [],
            "metadata": {},
            "temperature": 1.0,
            "top_p": 1.0
        });
        let r: Response = round_trip(&json.to_string());
        assert_eq!(r.field_state("object"), FieldState::Missing);
        assert_eq!(r.object, "response");
    }

    #[test]
    fn numbers_come_back_as_the_server_wrote_them() {
        let text = r#"{"id":"resp_1","object":"response","created_at":1741476542,"status":"completed","model":"gpt-4.1","output":[],"temperature":0.5,"top_p":0.25}"#;
        let r: Response = serde_json::from_str(text).unwrap();
        assert_eq!(r.created_at, 1_741_476_542.0);
        assert_eq!(r.temperature.as_ref(), Some(&0.5));
        let back = serde_json::to_string(&r).unwrap();
        assert!(back.contains(r#""created_at":1741476542,"#), "{back}");
        assert!(back.contains(r#""temperature":0.5,"#), "{back}");
        assert_json_eq(
            &serde_json::from_str(&back).unwrap(),
            &serde_json::from_str(text).unwrap(),
        );
    }
}

#[test]
fn nullable_tri_state() {
    let absent: Nullable<u8> = Nullable::default();
    assert_eq!(absent.state(), FieldState::Missing);
    let null: Nullable<u8> = serde_json::from_str("null").unwrap();
    assert_eq!(null, Nullable::Null);
    let value: Nullable<u8> = serde_json::from_str("3").unwrap();
    assert_eq!(value.as_ref(), Some(&3));
    assert_eq!(
        serde_json::to_string(&Nullable::<u8>::Null).unwrap(),
        "null"
    );
}

#[cfg(feature = "threads")]
mod threads {
    use super::*;
    use crate::generated::threads::AssistantStreamEvent;

    #[test]
    fn assistant_stream_events_are_flat_and_open() {
        let json = json!({
            "event": "thread.message.delta",
            "data": {
                "id": "msg_1",
                "object": "thread.message.delta",
                "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Hi"}}]}
            }
        });
        let event: AssistantStreamEvent = round_trip(&json.to_string());
        assert!(
            matches!(event, AssistantStreamEvent::ThreadMessageDelta(_)),
            "{event:?}"
        );
        let future: AssistantStreamEvent =
            round_trip(r#"{"event": "thread.future", "data": {"x": 1}}"#);
        assert!(matches!(future, AssistantStreamEvent::Unknown(_)));
    }
}

#[cfg(feature = "embeddings")]
mod embeddings {
    use super::*;
    use crate::generated::embeddings::{CreateEmbeddingResponse, Embedding};

    fn response(embedding: Value) -> Value {
        json!({
            "object": "list",
            "data": [{"object": "embedding", "index": 0, "embedding": embedding}],
            "model": "text-embedding-3-small",
            "usage": {"prompt_tokens": 2, "total_tokens": 2}
        })
    }

    #[test]
    fn embeddings_read_floats_or_base64_and_write_floats() {
        let floats: CreateEmbeddingResponse =
            serde_json::from_value(response(json!([1.0, -2.5, 0.0]))).unwrap();
        // [1.0, -2.5, 0.0] as little-endian f32s, in base64.
        let text = response(json!("AACAPwAAIMAAAAAA")).to_string();
        let base64: CreateEmbeddingResponse = serde_json::from_str(&text).unwrap();
        assert_eq!(base64.data[0].embedding, [1.0f32, -2.5, 0.0]);
        assert_eq!(base64, floats);
        let back = serde_json::to_value(&base64.data[0]).unwrap();
        assert_eq!(back["embedding"], json!([1.0, -2.5, 0.0]));
    }

    #[test]
    fn malformed_embeddings_are_errors() {
        for bad in [json!("AACAPwAA*MAAAAAA"), json!("AACAPwAA"), json!({})] {
            let err = serde_json::from_value::<CreateEmbeddingResponse>(response(bad.clone()));
            assert!(err.is_err(), "{bad}");
        }
        let e: Embedding = serde_json::from_str(r#"{"index":0,"embedding":null}"#).unwrap();
        assert_eq!(e.field_state("embedding"), FieldState::Null);
    }

    #[test]
    fn extra_fields_serialize_in_wire_order() {
        let e: Embedding =
            serde_json::from_str(r#"{"index":0,"embedding":[],"zeta":1,"alpha":[true]}"#).unwrap();
        assert_eq!(
            serde_json::to_string(e.extra_fields()).unwrap(),
            r#"{"zeta":1,"alpha":[true]}"#
        );
        let back = serde_json::to_string(&e).unwrap();
        assert!(back.ends_with(r#""zeta":1,"alpha":[true]}"#), "{back}");
    }
}
