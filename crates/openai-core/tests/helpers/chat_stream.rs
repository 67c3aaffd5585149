//! `client.chat().completions().stream(..)`: events, accumulation and
//! errors of `reference/streaming.md` b.

use openai_core::helpers::{
    ContentDeltaEvent, FunctionToolCallArgumentsDeltaEvent, FunctionToolCallArgumentsDoneEvent,
};
use openai_core::types::chat::{
    ChatCompletionChoiceFinishReason, ChatCompletionCreateParams, ChatMessage,
};
use openai_core::types::{
    ChatCompletionMessageToolCallsItem, ChatCompletionTool, FunctionDefinition,
};
use openai_core::{ChatCompletionStream, ChatCompletionStreamEvent as Event, Error};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{choice, chunk, client, collect};

fn params() -> ChatCompletionCreateParams {
    ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Say this is a test")])
}

fn strict_params() -> ChatCompletionCreateParams {
    params().tools(vec![
        ChatCompletionTool::new(FunctionDefinition::new("get_weather").strict(true)).into(),
    ])
}

async fn open(server: &MockServer, params: ChatCompletionCreateParams) -> ChatCompletionStream {
    client(server)
        .chat()
        .completions()
        .stream(params)
        .await
        .expect("the stream opens")
}

fn types(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(Event::event_type).collect()
}

#[tokio::test]
async fn sends_the_helper_header_and_stream_true() {
    let server = MockServer::start().await;
    let mut stream = client(&server)
        .chat()
        .completions()
        .stream(params())
        .header("x-custom", "1")
        .await
        .unwrap();
    stream.until_done().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.path(), "/v1/chat/completions");
    assert_eq!(
        request.header("x-stainless-helper-method"),
        Some("chat.completions.stream")
    );
    assert_eq!(request.header("x-custom"), Some("1"));
    assert_eq!(request.json()["stream"], json!(true));
    assert!(request.json().get("stream_options").is_none());
}

#[tokio::test]
async fn content_deltas_then_done_and_the_final_completion() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("Hello there"));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");

    let text: String = events
        .iter()
        .filter_map(|e| match e {
            Event::ContentDelta(ContentDeltaEvent { delta, .. }) => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Hello there");
    assert_eq!(types(&events).first(), Some(&"chunk"));
    assert_eq!(types(&events).last(), Some(&"content.done"));
    let done: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::ContentDone(done) => Some(done.content.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(done, ["Hello there"]);

    let snapshot = stream.current_completion_snapshot().unwrap();
    assert_eq!(snapshot.object, "chat.completion");
    let completion = stream.final_completion().await.unwrap();
    assert_eq!(completion.choices.len(), 1);
    assert_eq!(
        completion.choices[0].message.content.as_deref(),
        Some("Hello there")
    );
    assert_eq!(
        completion.choices[0].finish_reason,
        ChatCompletionChoiceFinishReason::Stop
    );
    assert_eq!(completion.choices[0].message.role, "assistant");
    assert_eq!(completion.request_id(), Some("req_mock_1"));
    assert_eq!(
        stream.final_content().await.unwrap().as_deref(),
        Some("Hello there")
    );
}

#[tokio::test]
async fn tool_calls_split_over_many_chunks() {
    let server = MockServer::start().await;
    let call = |index: i64, function: Value, head: bool| {
        let mut call = json!({"index": index, "function": function});
        if head {
            call["id"] = json!(format!("call_{index}"));
            call["type"] = json!("function");
        }
        call
    };
    server.enqueue(Mock::sse([
        chunk(json!([choice(
            0,
            json!({"role": "assistant", "content": null,
            "tool_calls": [call(0, json!({"name": "get_weather", "arguments": ""}), true)]}),
            Value::Null
        )])),
        chunk(json!([choice(
            0,
            json!({"tool_calls": [call(0, json!({"arguments": "{\"ci"}), false)]}),
            Value::Null
        )])),
        chunk(json!([choice(
            0,
            json!({"tool_calls": [call(0, json!({"arguments": "ty\":\"Paris\"}"}), false)]}),
            Value::Null
        )])),
        chunk(json!([choice(
            0,
            json!({"tool_calls": [call(1, json!({"name": "get_time", "arguments": "{}"}), true)]}),
            Value::Null
        )])),
        chunk(json!([choice(0, json!({}), json!("tool_calls"))])),
    ]));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        types(&events),
        [
            "chunk",
            "tool_calls.function.arguments.delta",
            "chunk",
            "tool_calls.function.arguments.delta",
            "chunk",
            "tool_calls.function.arguments.delta",
            "chunk",
            "tool_calls.function.arguments.delta",
            "tool_calls.function.arguments.done",
            "chunk",
            "tool_calls.function.arguments.done",
        ]
    );
    let Event::FunctionToolCallArgumentsDelta(FunctionToolCallArgumentsDeltaEvent {
        index,
        name,
        arguments_delta,
        ..
    }) = &events[3]
    else {
        panic!("{:?}", events[3]);
    };
    assert_eq!(
        (*index, name.as_str(), arguments_delta.as_str()),
        (0, "get_weather", "{\"ci")
    );
    let dones: Vec<(i64, &str, &str)> = events
        .iter()
        .filter_map(|e| match e {
            Event::FunctionToolCallArgumentsDone(FunctionToolCallArgumentsDoneEvent {
                index,
                name,
                arguments,
                ..
            }) => Some((*index, name.as_str(), arguments.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        dones,
        [
            (0, "get_weather", "{\"city\":\"Paris\"}"),
            (1, "get_time", "{}")
        ]
    );

    let completion = stream.final_completion().await.unwrap();
    let choice = &completion.choices[0];
    assert_eq!(
        choice.finish_reason,
        ChatCompletionChoiceFinishReason::ToolCalls
    );
    let calls = choice.message.tool_calls.as_ref().unwrap();
    assert_eq!(calls.len(), 2);
    let ChatCompletionMessageToolCallsItem::Function(first) = &calls[0] else {
        panic!("{:?}", calls[0]);
    };
    assert_eq!(first.id, "call_0");
    assert_eq!(first.function.name, "get_weather");
    assert_eq!(first.function.arguments, "{\"city\":\"Paris\"}");
    // Python's accumulated tool calls keep their `index`.
    assert_eq!(first.extra_fields().get("index"), Some(&json!(0)));
}

#[tokio::test]
async fn content_is_done_when_a_tool_call_starts() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse([
        chunk(json!([choice(
            0,
            json!({"role": "assistant", "content": "Let me check."}),
            Value::Null
        )])),
        chunk(json!([choice(
            0,
            json!({"tool_calls": [{"index": 0, "id": "call_0", "type": "function",
            "function": {"name": "f", "arguments": "{}"}}]}),
            Value::Null
        )])),
        chunk(json!([choice(0, json!({}), json!("tool_calls"))])),
    ]));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        types(&events),
        [
            "chunk",
            "content.delta",
            "chunk",
            "tool_calls.function.arguments.delta",
            "content.done",
            "chunk",
            "tool_calls.function.arguments.done",
        ]
    );
}

#[tokio::test]
async fn several_choices_accumulate_apart() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse([
        chunk(json!([
            choice(0, json!({"role": "assistant", "content": "A"}), Value::Null),
            choice(1, json!({"role": "assistant", "content": "X"}), Value::Null),
        ])),
        chunk(json!([choice(1, json!({"content": "Y"}), Value::Null)])),
        chunk(json!([
            choice(0, json!({"content": "B"}), json!("stop")),
            choice(1, json!({"content": "Z"}), json!("stop")),
        ])),
    ]));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        types(&events),
        [
            "chunk",
            "content.delta",
            "content.delta",
            "chunk",
            "content.delta",
            "chunk",
            "content.delta",
            "content.done",
            "content.delta",
            "content.done",
        ]
    );
    let choices: Vec<Option<i64>> = events.iter().map(Event::choice_index).collect();
    assert_eq!(
        choices,
        [
            None,
            Some(0),
            Some(1),
            None,
            Some(1),
            None,
            Some(0),
            Some(0),
            Some(1),
            Some(1)
        ]
    );
    let completion = stream.final_completion().await.unwrap();
    let texts: Vec<_> = completion
        .choices
        .iter()
        .map(|c| (c.index, c.message.content.as_deref().unwrap()))
        .collect();
    assert_eq!(texts, [(0, "AB"), (1, "XYZ")]);
}

#[tokio::test]
async fn a_refusal_streams_and_is_done_once() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse([
        chunk(json!([choice(
            0,
            json!({"role": "assistant", "content": null, "refusal": ""}),
            Value::Null
        )])),
        chunk(json!([choice(
            0,
            json!({"refusal": "I can't"}),
            Value::Null
        )])),
        chunk(json!([choice(
            0,
            json!({"refusal": " help."}),
            Value::Null
        )])),
        chunk(json!([choice(0, json!({}), json!("stop"))])),
    ]));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        types(&events),
        [
            "chunk",
            "refusal.delta",
            "chunk",
            "refusal.delta",
            "chunk",
            "refusal.delta",
            "chunk",
            "refusal.done",
        ]
    );
    let Some(Event::RefusalDone(done)) = events.last() else {
        panic!()
    };
    assert_eq!(done.refusal, "I can't help.");
    let completion = stream.final_completion().await.unwrap();
    assert_eq!(completion.choices[0].message.content.as_deref(), None);
    assert_eq!(
        completion.choices[0].message.refusal.as_deref(),
        Some("I can't help.")
    );
}

fn token(text: &str) -> Value {
    json!({"token": text, "logprob": -0.5, "bytes": [1], "top_logprobs": []})
}

#[tokio::test]
async fn logprobs_are_appended() {
    let server = MockServer::start().await;
    let with_logprobs = |content: &str, finish: Value| {
        let mut choice = choice(0, json!({"content": content}), finish);
        choice["logprobs"] = json!({"content": [token(content)], "refusal": null});
        chunk(json!([choice]))
    };
    server.enqueue(Mock::sse([
        with_logprobs("Hel", Value::Null),
        with_logprobs("lo", Value::Null),
        with_logprobs("!", json!("stop")),
    ]));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        types(&events),
        [
            "chunk",
            "content.delta",
            "logprobs.content.delta",
            "chunk",
            "content.delta",
            "logprobs.content.delta",
            "chunk",
            "content.delta",
            "logprobs.content.delta",
            "content.done",
            "logprobs.content.done",
        ]
    );
    let Some(Event::LogprobsContentDone(done)) = events.last() else {
        panic!()
    };
    let tokens: Vec<_> = done.content.iter().map(|t| t.token.as_str()).collect();
    assert_eq!(tokens, ["Hel", "lo", "!"]);
    let completion = stream.final_completion().await.unwrap();
    let logprobs = completion.choices[0].logprobs.as_ref().unwrap();
    assert_eq!(logprobs.content.as_ref().unwrap().len(), 3);
}

#[tokio::test]
async fn the_usage_chunk_sets_usage() {
    let server = MockServer::start().await;
    let mut last = chunk(json!([]));
    last["usage"] = json!({"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7});
    server.enqueue(Mock::sse([
        chunk(json!([choice(
            0,
            json!({"role": "assistant", "content": "Hi"}),
            Value::Null
        )])),
        chunk(json!([choice(0, json!({}), json!("stop"))])),
        last,
    ]));
    let mut stream = open(&server, params()).await;
    let (events, _) = collect(&mut stream).await;
    assert_eq!(types(&events).last(), Some(&"chunk"));
    let completion = stream.final_completion().await.unwrap();
    let usage = completion.usage.as_ref().unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (5, 2, 7)
    );
    #[allow(deprecated, reason = "the field is still sent")]
    let fingerprint = completion.system_fingerprint.as_deref();
    assert_eq!(fingerprint, Some("fp_1"));
}

#[tokio::test]
async fn the_built_in_model_streams_usage_when_asked() {
    let server = MockServer::start().await;
    let params = params()
        .stream_options(openai_core::types::ChatCompletionStreamOptions::new().include_usage(true));
    let mut stream = open(&server, params).await;
    let completion = stream.final_completion().await.unwrap();
    assert_eq!(
        completion.choices[0].message.content.as_deref(),
        Some("Say this is a test")
    );
    assert!(completion.usage.is_value());
}

#[tokio::test]
async fn obfuscation_stays_on_the_chunk_and_unknown_fields_merge() {
    let server = MockServer::start().await;
    let mut first = chunk(json!([choice(
        0,
        json!({"role": "assistant", "content": "", "reasoning_content": "Let"}),
        Value::Null
    )]));
    first["obfuscation"] = json!("abc");
    let mut second = chunk(json!([choice(
        0,
        json!({"content": "Hi", "reasoning_content": " me think"}),
        json!("stop")
    )]));
    second["obfuscation"] = json!("defg");
    server.enqueue(Mock::sse([first, second]));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    let Event::Chunk(chunk) = &events[0] else {
        panic!()
    };
    assert_eq!(chunk.chunk.obfuscation.as_deref(), Some("abc"));
    let completion = stream.final_completion().await.unwrap();
    let json = serde_json::to_value(&completion).unwrap();
    assert!(json.get("obfuscation").is_none(), "{json}");
    assert_eq!(
        completion.choices[0]
            .message
            .extra_fields()
            .get("reasoning_content"),
        Some(&json!("Let me think"))
    );
}

#[tokio::test]
async fn chunks_that_are_not_chat_chunks_are_skipped() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse([
        json!({"id": "", "object": "", "created": 0, "model": "", "choices": [],
            "prompt_filter_results": [{"prompt_index": 0}]}),
        chunk(json!([choice(
            0,
            json!({"role": "assistant", "content": "ok"}),
            json!("stop")
        )])),
    ]));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(types(&events), ["chunk", "content.delta", "content.done"]);
}

#[tokio::test]
async fn a_cut_stream_is_a_connection_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("Hello there").cut_after(2));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(!events.is_empty());
    assert!(matches!(error, Some(Error::Connection(_))), "{error:?}");
    // What arrived is still there.
    assert!(stream.current_completion_snapshot().is_some());
}

#[tokio::test]
async fn a_mid_stream_error_event_is_an_api_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse([
        chunk(json!([choice(
            0,
            json!({"role": "assistant", "content": "Hi"}),
            Value::Null
        )])),
        json!({"error": {"message": "boom", "type": "server_error"}}),
    ]));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert_eq!(types(&events), ["chunk", "content.delta"]);
    let Some(Error::Api(api)) = error else {
        panic!("{error:?}")
    };
    assert_eq!(api.message(), "boom");
}

fn stopped(reason: &str) -> Mock {
    Mock::sse([
        chunk(json!([choice(
            0,
            json!({"role": "assistant", "content": "Hi"}),
            Value::Null
        )])),
        chunk(json!([choice(
            0,
            json!({"content": " there"}),
            json!(reason)
        )])),
    ])
}

#[tokio::test]
async fn length_fails_the_stream_with_parseable_input() {
    let server = MockServer::start().await;
    server.enqueue(stopped("length"));
    let mut stream = open(&server, strict_params()).await;
    let (events, error) = collect(&mut stream).await;
    // The error comes before the events of its chunk.
    assert_eq!(types(&events), ["chunk", "content.delta"]);
    let Some(Error::FinishReason(e)) = error else {
        panic!("{error:?}")
    };
    assert!(e.is_length());
    let completion = e.completion().unwrap();
    assert_eq!(
        completion.choices[0].message.content.as_deref(),
        Some("Hi there")
    );
    assert!(e.to_string().contains("length limit"));
}

#[tokio::test]
async fn content_filter_fails_the_stream_with_parseable_input() {
    let server = MockServer::start().await;
    server.enqueue(stopped("content_filter"));
    let mut stream = open(&server, strict_params()).await;
    let (_, error) = collect(&mut stream).await;
    let Some(Error::FinishReason(e)) = error else {
        panic!("{error:?}")
    };
    assert!(e.is_content_filter());
}

#[tokio::test]
async fn length_fails_only_the_final_completion_without_parseable_input() {
    let server = MockServer::start().await;
    server.enqueue(stopped("length"));
    let mut stream = open(&server, params()).await;
    let (events, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(types(&events).last(), Some(&"content.done"));
    let Err(Error::FinishReason(e)) = stream.final_completion().await else {
        panic!()
    };
    assert!(e.is_length());
    assert_eq!(
        stream.current_completion_snapshot().unwrap().choices[0].finish_reason,
        ChatCompletionChoiceFinishReason::Length
    );
}

#[tokio::test]
async fn a_stream_without_chunks_has_no_final_completion() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse(Vec::<Value>::new()));
    let mut stream = open(&server, params()).await;
    let Err(Error::Stream(e)) = stream.final_completion().await else {
        panic!()
    };
    assert_eq!(e.kind(), openai_core::error::StreamErrorKind::EndedEarly);
}

#[test]
fn streams_and_requests_are_send_and_sync() {
    fn is_send<T: Send>() {}
    fn is_sync<T: Sync>() {}
    is_send::<ChatCompletionStream>();
    is_sync::<ChatCompletionStream>();
    is_send::<openai_core::helpers::ChatCompletionStreamRequest>();
    is_send::<openai_core::helpers::ChatCompletionStreamFuture>();
}
