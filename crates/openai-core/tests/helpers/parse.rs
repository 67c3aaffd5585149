//! Structured outputs: `chat().completions().parse::<T>()`,
//! `responses().parse::<T>()` and the streams' `final_parsed::<T>()`
//! (`reference/helpers.md` b).

use openai_core::Error;
use openai_core::helpers::FinishReasonKind;
use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
use openai_core::types::responses::ResponseCreateParams;
use openai_core::types::schemars::JsonSchema;
use openai_core::types::{
    ChatCompletionTool, FunctionDefinition, FunctionTool, ResponseFormatJsonSchema,
    TextResponseFormatJsonSchema,
};
use openai_mock::{Mock, MockServer};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::support::{choice, chunk, client};

#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
#[schemars(crate = "openai_core::types::schemars")]
struct Fruit {
    name: String,
    color: Option<String>,
}

/// The weather where asked.
#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
#[schemars(crate = "openai_core::types::schemars")]
struct Weather {
    city: String,
}

#[allow(dead_code, reason = "only the schema is looked at")]
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "openai_core::types::schemars")]
struct Labels {
    name: String,
    labels: std::collections::HashMap<String, String>,
}

fn params() -> ChatCompletionCreateParams {
    ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Name a fruit")])
}

fn completion(message: Value, finish_reason: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": null}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
    })
}

fn assistant(content: Value) -> Value {
    json!({"role": "assistant", "content": content, "refusal": null})
}

#[tokio::test]
async fn chat_parse_sends_the_strict_schema_and_reads_the_answer() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(completion(
        assistant(json!("{\"name\":\"apple\",\"color\":\"red\"}")),
        "stop",
    )));
    let parsed = client(&server)
        .chat()
        .completions()
        .parse::<Fruit>(params())
        .await
        .unwrap();
    assert_eq!(
        parsed.choices[0].message.parsed,
        Some(Fruit {
            name: "apple".into(),
            color: Some("red".into())
        })
    );
    // The rest of the completion is reachable as usual.
    assert_eq!(parsed.id, "chatcmpl-1");
    assert_eq!(parsed.choices[0].index, 0);
    assert!(parsed.choices[0].message.tool_calls.is_none());
    assert_eq!(parsed.usage.as_ref().unwrap().total_tokens, 12);

    let request = &server.requests()[0];
    assert_eq!(
        request.header("x-stainless-helper-method"),
        Some("chat.completions.parse")
    );
    let body = request.json();
    assert!(body.get("stream").is_none(), "{body}");
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {
            "name": "Fruit",
            "schema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "color": {"type": ["string", "null"]},
                },
                "required": ["name", "color"],
                "additionalProperties": false,
            },
            "strict": true,
        }})
    );
    // Declaration order, the order the model writes the fields in.
    let text = serde_json::to_string(&body["response_format"]).unwrap();
    assert!(
        text.find("\"name\":{").unwrap() < text.find("\"color\":{").unwrap(),
        "{text}"
    );
    // Back to the plain completion.
    let plain = parsed.into_completion();
    assert_eq!(plain.choices.len(), 1);
}

#[tokio::test]
async fn a_refusal_leaves_parsed_empty() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(completion(
        json!({"role": "assistant", "content": null, "refusal": "I can't help with that."}),
        "stop",
    )));
    let parsed = client(&server)
        .chat()
        .completions()
        .parse::<Fruit>(params())
        .await
        .unwrap();
    let message = &parsed.choices[0].message;
    assert!(message.parsed.is_none());
    assert_eq!(message.refusal.as_deref(), Some("I can't help with that."));
}

#[tokio::test]
async fn length_and_content_filter_are_typed_errors() {
    for (reason, kind) in [
        ("length", FinishReasonKind::Length),
        ("content_filter", FinishReasonKind::ContentFilter),
    ] {
        let server = MockServer::start().await;
        server.enqueue(Mock::ok(completion(assistant(json!("{\"na")), reason)));
        let error = client(&server)
            .chat()
            .completions()
            .parse::<Fruit>(params())
            .await
            .unwrap_err();
        let Error::FinishReason(e) = &error else {
            panic!("a finish-reason error: {error:?}");
        };
        assert_eq!(e.kind(), kind);
        assert_eq!(e.completion().unwrap().id, "chatcmpl-1");
    }
}

#[tokio::test]
async fn an_answer_that_is_not_the_type_is_a_decode_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(completion(
        assistant(json!("{\"colour\":1}")),
        "stop",
    )));
    let error = client(&server)
        .chat()
        .completions()
        .parse::<Fruit>(params())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("Fruit"), "{error}");
}

#[tokio::test]
async fn strict_tool_calls_get_parsed_arguments() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(completion(
        json!({"role": "assistant", "content": null, "refusal": null, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
            {"id": "call_2", "type": "custom", "custom": {"name": "grammar", "input": "x"}},
        ]}),
        "tool_calls",
    )));
    let tool = ChatCompletionTool::from_type::<Weather>("get_weather").unwrap();
    let parsed = client(&server)
        .chat()
        .completions()
        .parse::<Fruit>(params().tools(vec![tool.into()]))
        .await
        .unwrap();
    let message = &parsed.choices[0].message;
    assert!(message.parsed.is_none());
    // The custom call is left out, as in Python.
    let calls = message.tool_calls.as_ref().unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].id, "call_1");
    assert_eq!(
        calls[0].function.parsed_arguments,
        Some(json!({"city": "Paris"}))
    );
    assert_eq!(
        calls[0].function.arguments_as::<Weather>().unwrap(),
        Weather {
            city: "Paris".into()
        }
    );
    let body = server.requests()[0].json();
    assert_eq!(body["tools"][0]["function"]["strict"], json!(true));
    assert_eq!(
        body["tools"][0]["function"]["description"],
        json!("The weather where asked.")
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let loose = ChatCompletionTool::new(FunctionDefinition::new("loose"));
    let error = client
        .chat()
        .completions()
        .parse::<Fruit>(params().tools(vec![loose.into()]))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("`loose` is not strict. Only `strict` function tools can be auto-parsed"),
        "{error}"
    );

    let custom: openai_core::types::chat::ChatCompletionCreateParamsTool =
        serde_json::from_value(json!({"type": "custom", "custom": {"name": "grammar"}})).unwrap();
    let error = client
        .chat()
        .completions()
        .parse::<Fruit>(params().tools(vec![custom]))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains(
            "Currently only `function` tool types support auto-parsing; Received `custom`"
        ),
        "{error}"
    );

    let error = client
        .chat()
        .completions()
        .parse::<Labels>(params())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("`Labels.labels`"), "{error}");

    let error = client
        .responses()
        .parse::<Fruit>(ResponseCreateParams::new().model("gpt-4o").text(
            openai_core::types::responses::ResponseTextParam::new().format(
                openai_core::types::TextResponseFormatConfiguration::JsonObject(Default::default()),
            ),
        ))
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("Cannot mix and match text.format with text_format"),
        "{error}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_response_format_of_your_own_is_kept() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(completion(
        assistant(json!("{\"name\":\"kiwi\",\"color\":null}")),
        "stop",
    )));
    let own = ResponseFormatJsonSchema::new(
        openai_core::types::ResponseFormatJsonSchemaJsonSchema::new("my_fruit"),
    );
    let parsed = client(&server)
        .chat()
        .completions()
        .parse::<Fruit>(params().response_format(own))
        .await
        .unwrap();
    assert_eq!(
        parsed.choices[0].message.parsed.as_ref().unwrap().name,
        "kiwi"
    );
    let body = server.requests()[0].json();
    assert_eq!(
        body["response_format"]["json_schema"]["name"],
        json!("my_fruit")
    );
}

fn response(output: Value) -> Value {
    json!({
        "id": "resp_1", "object": "response", "created_at": 1, "model": "gpt-4o",
        "status": "completed", "output": output, "parallel_tool_calls": true,
        "tool_choice": "auto", "tools": [],
    })
}

fn output_text(text: &str) -> Value {
    json!({"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
           "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]})
}

#[tokio::test]
async fn responses_parse_sets_text_format_and_reads_output_parsed() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(response(json!([
        output_text("{\"name\":\"pear\",\"color\":\"green\"}"),
        {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather",
         "arguments": "{\"city\":\"Oslo\"}", "status": "completed"},
        {"type": "function_call", "id": "fc_2", "call_id": "call_2", "name": "other",
         "arguments": "not json", "status": "completed"},
    ]))));
    let tool = FunctionTool::from_type::<Weather>("get_weather").unwrap();
    let parsed = client(&server)
        .responses()
        .parse::<Fruit>(
            ResponseCreateParams::new()
                .model("gpt-4o")
                .input("A fruit")
                .tools(vec![tool.into()]),
        )
        .await
        .unwrap();
    assert_eq!(
        parsed.output_parsed,
        Some(Fruit {
            name: "pear".into(),
            color: Some("green".into())
        })
    );
    assert_eq!(parsed.id, "resp_1");
    assert_eq!(parsed.function_calls.len(), 2);
    assert_eq!(
        parsed.function_calls[0]
            .arguments_as::<Weather>()
            .unwrap()
            .city,
        "Oslo"
    );
    // A tool the request did not have as strict is not parsed.
    assert_eq!(parsed.function_calls[1].parsed_arguments, None);
    assert!(parsed.function_calls[1].arguments_as::<Weather>().is_err());

    let request = &server.requests()[0];
    assert_eq!(
        request.header("x-stainless-helper-method"),
        Some("responses.parse")
    );
    let format = &request.json()["text"]["format"];
    assert_eq!(format["type"], json!("json_schema"));
    assert_eq!(format["name"], json!("Fruit"));
    assert_eq!(format["strict"], json!(true));
    assert_eq!(format["schema"]["required"], json!(["name", "color"]));
}

#[tokio::test]
async fn the_chat_stream_fills_parsed_on_the_final_completion() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse([
        chunk(json!([choice(
            0,
            json!({"role": "assistant", "content": "{\"name\":"}),
            Value::Null
        )])),
        chunk(json!([choice(
            0,
            json!({"content": "\"fig\",\"color\":null}"}),
            Value::Null
        )])),
        chunk(json!([choice(0, json!({}), json!("stop"))])),
    ]));
    let mut stream = client(&server)
        .chat()
        .completions()
        .stream(params().response_format(ResponseFormatJsonSchema::for_type::<Fruit>().unwrap()))
        .await
        .unwrap();
    let parsed = stream.final_parsed::<Fruit>().await.unwrap();
    assert_eq!(
        parsed.choices[0].message.parsed,
        Some(Fruit {
            name: "fig".into(),
            color: None
        })
    );
    let body = server.requests()[0].json();
    assert_eq!(
        body["response_format"]["json_schema"]["name"],
        json!("Fruit")
    );
}

#[tokio::test]
async fn the_responses_stream_fills_output_parsed() {
    let server = MockServer::start().await;
    let done = response(json!([output_text(
        "{\"name\":\"lime\",\"color\":\"green\"}"
    )]));
    let mut created = done.clone();
    created["status"] = json!("in_progress");
    created["output"] = json!([]);
    server.enqueue(
        Mock::sse_named([
            (
                "response.created",
                json!({"type": "response.created", "sequence_number": 0, "response": created}),
            ),
            (
                "response.completed",
                json!({"type": "response.completed", "sequence_number": 1, "response": done}),
            ),
        ])
        .without_done(),
    );
    let mut stream = client(&server)
        .responses()
        .stream(
            ResponseCreateParams::new().model("gpt-4o").text(
                openai_core::types::responses::ResponseTextParam::new()
                    .format(TextResponseFormatJsonSchema::for_type::<Fruit>().unwrap()),
            ),
        )
        .await
        .unwrap();
    let parsed = stream.final_parsed::<Fruit>().await.unwrap();
    assert_eq!(parsed.output_parsed.unwrap().name, "lime");
}
