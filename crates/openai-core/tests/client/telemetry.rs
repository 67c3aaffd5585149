//! The OpenTelemetry GenAI attributes of a call's span (issue 13,
//! "Observability"): recorded by a subscriber that keeps every span's
//! fields, checked against the semantic conventions' names, and never a
//! prompt, a completion, a header value or a key.

use std::collections::BTreeMap;

use futures_util::StreamExt;
use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
use openai_core::types::{EmbeddingCreateParams, EmbeddingCreateParamsInput};
use openai_mock::trace::Recorder;
use openai_mock::{Mock, MockServer};
use serde_json::json;

use crate::support::{API_KEY, builder, no_retry_client};

const PROMPT: &str = "my secret prompt text";
const COMPLETION: &str = "my secret completion text";

fn chat_params() -> ChatCompletionCreateParams {
    ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user(PROMPT)])
}

fn completion() -> serde_json::Value {
    json!({
        "id": "chatcmpl-42",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "finish_reason": "stop",
            "message": {"role": "assistant", "content": COMPLETION}}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17},
    })
}

fn field<'a>(span: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    span.get(name).map(String::as_str)
}

fn assert_no_secrets(spans: &Recorder) {
    let all = spans.text();
    for secret in [PROMPT, COMPLETION, API_KEY] {
        assert!(!all.contains(secret), "{secret:?} was recorded: {all}");
    }
}

#[tokio::test]
async fn a_chat_call_carries_the_genai_attributes() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(completion()));
    let spans = Recorder::new();
    let _installed = spans.install();
    let client = no_retry_client(&server);
    client
        .chat()
        .completions()
        .create(chat_params())
        .await
        .unwrap();

    let request = &spans.spans("openai.request")[0];
    assert_eq!(field(request, "otel.kind"), Some("client"));
    assert_eq!(field(request, "gen_ai.provider.name"), Some("openai"));
    assert_eq!(field(request, "gen_ai.operation.name"), Some("chat"));
    assert_eq!(field(request, "gen_ai.request.model"), Some("gpt-4o"));
    assert_eq!(
        field(request, "gen_ai.response.model"),
        Some("gpt-4o-2024-08-06")
    );
    assert_eq!(field(request, "gen_ai.response.id"), Some("chatcmpl-42"));
    assert_eq!(field(request, "gen_ai.usage.input_tokens"), Some("12"));
    assert_eq!(field(request, "gen_ai.usage.output_tokens"), Some("5"));
    assert_eq!(field(request, "server.address"), Some("127.0.0.1"));
    assert_eq!(
        field(request, "server.port"),
        Some(server.addr().port().to_string().as_str())
    );
    assert_eq!(field(request, "error.type"), None);
    let attempt = &spans.spans("attempt")[0];
    assert_eq!(field(attempt, "http.response.status_code"), Some("200"));
    assert_no_secrets(&spans);
}

#[tokio::test]
async fn a_stream_records_what_its_events_say() {
    let server = MockServer::start().await;
    let chunk = |content: serde_json::Value, usage: serde_json::Value| {
        json!({"id": "chatcmpl-7", "object": "chat.completion.chunk", "created": 1,
            "model": "gpt-4o-mini", "usage": usage,
            "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]})
    };
    server.enqueue(Mock::sse([
        chunk(json!(COMPLETION), json!(null)),
        json!({"id": "chatcmpl-7", "object": "chat.completion.chunk", "created": 1,
            "model": "gpt-4o-mini", "choices": [],
            "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}),
    ]));
    let spans = Recorder::new();
    let _installed = spans.install();
    let client = no_retry_client(&server);
    let stream = client
        .chat()
        .completions()
        .create_stream(chat_params())
        .await
        .unwrap();
    let chunks: Vec<_> = stream.collect().await;
    assert_eq!(chunks.len(), 2);

    let request = &spans.spans("openai.request")[0];
    assert_eq!(field(request, "gen_ai.operation.name"), Some("chat"));
    assert_eq!(field(request, "gen_ai.response.id"), Some("chatcmpl-7"));
    assert_eq!(field(request, "gen_ai.response.model"), Some("gpt-4o-mini"));
    assert_eq!(field(request, "gen_ai.usage.input_tokens"), Some("3"));
    assert_eq!(field(request, "gen_ai.usage.output_tokens"), Some("4"));
    assert_no_secrets(&spans);
}

#[tokio::test]
async fn an_error_answer_sets_error_type_and_other_calls_no_operation() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(400));
    let spans = Recorder::new();
    let _installed = spans.install();
    let client = no_retry_client(&server);
    client
        .chat()
        .completions()
        .create(chat_params())
        .await
        .unwrap_err();
    client.models().list().await.unwrap();

    let requests = spans.spans("openai.request");
    assert_eq!(field(&requests[0], "error.type"), Some("400"));
    assert_eq!(field(&requests[0], "gen_ai.request.model"), Some("gpt-4o"));
    assert_eq!(field(&spans.spans("attempt")[0], "error.type"), Some("400"));
    assert_eq!(field(&requests[1], "gen_ai.operation.name"), None);
    assert_eq!(field(&requests[1], "error.type"), None);
    assert_no_secrets(&spans);
}

#[tokio::test(start_paused = true)]
async fn a_timeout_is_an_error_type_and_the_provider_name_can_change() {
    let server = MockServer::start().await;
    server.enqueue(Mock::stall());
    let spans = Recorder::new();
    let _installed = spans.install();
    let client = builder(&server)
        .max_retries(0)
        .timeout(std::time::Duration::from_secs(1))
        .provider_name("azure.ai.openai")
        .build()
        .unwrap();
    let params = EmbeddingCreateParams::new(
        "text-embedding-3-small",
        EmbeddingCreateParamsInput::from(vec![PROMPT.to_owned()]),
    );
    let err = client.embeddings().create(params).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let request = &spans.spans("openai.request")[0];
    assert_eq!(
        field(request, "gen_ai.provider.name"),
        Some("azure.ai.openai")
    );
    assert_eq!(field(request, "gen_ai.operation.name"), Some("embeddings"));
    assert_eq!(field(request, "error.type"), Some("timeout"));
    assert_no_secrets(&spans);
}

/// A WebSocket connection has its own `openai.websocket` span (issue 14):
/// provider, model, server, how it ended and how many messages went each
/// way; its handshake is an `openai.request` of its own. No event payload
/// (the prompt sent, the text received) and no key is recorded.
#[cfg(feature = "realtime")]
#[tokio::test]
async fn a_websocket_connection_has_its_span() {
    use openai_mock::WsScript;
    let server = MockServer::start().await;
    server.enqueue_ws(
        WsScript::new()
            .send(
                json!({"type": "response.output_text.delta", "event_id": "e1",
                "response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0,
                "delta": COMPLETION}),
            )
            .expect()
            .close(1011, "server error"),
    );
    let spans = Recorder::new();
    let _installed = spans.install();
    let client = no_retry_client(&server);
    let mut connection = client
        .realtime()
        .connect()
        .model("gpt-realtime")
        .await
        .unwrap();
    let first = connection.next().await.unwrap().unwrap();
    assert!(serde_json::to_string(&first).unwrap().contains(COMPLETION));
    let session: openai_core::types::realtime::RealtimeClientEventSessionUpdateSession =
        serde_json::from_value(json!({"type": "realtime", "instructions": PROMPT})).unwrap();
    connection.session().update(session).await.unwrap();
    let closed = connection.next().await.unwrap().unwrap_err();
    assert!(closed.to_string().contains("1011"), "{closed}");
    drop(connection);

    let ws = &spans.spans("openai.websocket")[0];
    assert_eq!(field(ws, "path"), Some("/realtime"));
    assert_eq!(field(ws, "otel.kind"), Some("client"));
    assert_eq!(field(ws, "gen_ai.provider.name"), Some("openai"));
    assert_eq!(field(ws, "gen_ai.request.model"), Some("gpt-realtime"));
    assert_eq!(field(ws, "server.address"), Some("127.0.0.1"));
    assert_eq!(
        field(ws, "server.port"),
        Some(server.addr().port().to_string().as_str())
    );
    assert_eq!(field(ws, "websocket.close_code"), Some("1011"));
    assert_eq!(field(ws, "error.type"), Some("websocket_closed"));
    assert_eq!(field(ws, "messages.sent"), Some("1"));
    assert_eq!(field(ws, "messages.received"), Some("1"));
    assert_eq!(field(ws, "websocket.reconnects"), Some("0"));
    let handshake = &spans.spans("openai.request")[0];
    assert_eq!(field(handshake, "path"), Some("/v1/realtime"));
    assert_eq!(field(handshake, "status"), Some("101"));
    assert_no_secrets(&spans);
}
