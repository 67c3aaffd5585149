//! `client.responses().stream(..)` and `.stream_existing(..)`: pass-through
//! events, accumulation (`reference/streaming.md` c) and the resumption
//! after a cut connection.

use openai_core::error::StreamErrorKind;
use openai_core::types::responses::{ResponseCreateParams, ResponseStreamEvent};
use openai_core::{Error, ResponseExt as _, ResponseStream};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{client, collect};

fn response(status: &str, output: Value) -> Value {
    json!({
        "id": "resp_1", "object": "response", "created_at": 1, "model": "gpt-4o",
        "status": status, "output": output, "parallel_tool_calls": true,
        "tool_choice": "auto", "tools": [],
    })
}

/// The events of a response that writes "Hello" and calls a function.
fn events() -> Vec<(String, Value)> {
    let message = |status: &str, content: Value| json!({"type": "message", "id": "msg_1", "role": "assistant", "status": status, "content": content});
    let call = |arguments: &str| {
        json!({"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather",
            "arguments": arguments, "status": "in_progress"})
    };
    let text =
        |t: &str| json!({"type": "output_text", "text": t, "annotations": [], "logprobs": []});
    let done_output = json!([
        message("completed", json!([text("Hello")])),
        call("{\"city\":\"Paris\"}")
    ]);
    let raw = [
        json!({"type": "response.created", "response": response("in_progress", json!([]))}),
        json!({"type": "response.in_progress", "response": response("in_progress", json!([]))}),
        json!({"type": "response.output_item.added", "output_index": 0, "item": message("in_progress", json!([]))}),
        json!({"type": "response.content_part.added", "item_id": "msg_1", "output_index": 0, "content_index": 0, "part": text("")}),
        json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Hel", "logprobs": []}),
        json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "lo", "logprobs": []}),
        json!({"type": "response.output_text.done", "item_id": "msg_1", "output_index": 0, "content_index": 0, "text": "Hello", "logprobs": []}),
        json!({"type": "response.output_item.added", "output_index": 1, "item": call("")}),
        json!({"type": "response.function_call_arguments.delta", "item_id": "fc_1", "output_index": 1, "delta": "{\"city\":"}),
        json!({"type": "response.function_call_arguments.delta", "item_id": "fc_1", "output_index": 1, "delta": "\"Paris\"}"}),
        json!({"type": "response.completed", "response": response("completed", done_output)}),
    ];
    raw.into_iter()
        .enumerate()
        .map(|(n, mut event)| {
            event["sequence_number"] = json!(n);
            (event["type"].as_str().unwrap().to_owned(), event)
        })
        .collect()
}

fn sse(events: &[(String, Value)]) -> Mock {
    Mock::sse_named(events.iter().cloned()).without_done()
}

fn params() -> ResponseCreateParams {
    ResponseCreateParams::new()
        .model("gpt-4o")
        .input("Say hello")
}

fn numbers(events: &[ResponseStreamEvent]) -> Vec<i64> {
    events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["sequence_number"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

async fn open(server: &MockServer, resume: bool) -> ResponseStream {
    client(server)
        .responses()
        .stream(params())
        .resume_on_disconnect(resume)
        .await
        .expect("the stream opens")
}

#[tokio::test]
async fn events_pass_through_and_the_response_accumulates() {
    let server = MockServer::start().await;
    server.enqueue(sse(&events()));
    let mut stream = open(&server, false).await;
    let mut seen = Vec::new();
    let mut texts = Vec::new();
    while let Some(event) = futures_util::StreamExt::next(&mut stream).await {
        let event = event.unwrap();
        if let ResponseStreamEvent::ResponseOutputTextDelta(delta) = &event {
            texts.push(
                stream
                    .current_output_text(delta.output_index, delta.content_index)
                    .unwrap()
                    .to_owned(),
            );
        }
        seen.push(event);
    }
    assert_eq!(numbers(&seen), (0..11).collect::<Vec<_>>());
    assert_eq!(texts, ["Hel", "Hello"]);
    let snapshot = stream.current_snapshot().unwrap();
    assert_eq!(snapshot.id, "resp_1");
    assert_eq!(snapshot.output.len(), 2);
    assert_eq!(snapshot.output_text(), "Hello");
    assert_eq!(
        stream.current_function_call_arguments(1),
        Some("{\"city\":\"Paris\"}")
    );

    let response = stream.final_response().await.unwrap();
    assert_eq!(response.output_text(), "Hello");
    let request = &server.requests()[0];
    assert_eq!(request.path(), "/v1/responses");
    assert_eq!(request.json()["stream"], json!(true));
}

#[tokio::test]
async fn an_event_before_response_created_is_an_error() {
    let server = MockServer::start().await;
    server.enqueue(sse(&events()[1..]));
    let mut stream = open(&server, false).await;
    let (events, error) = collect(&mut stream).await;
    assert!(events.is_empty());
    let Some(Error::Stream(e)) = error else {
        panic!("{error:?}")
    };
    assert_eq!(e.kind(), StreamErrorKind::OutOfOrder);
}

#[tokio::test]
async fn no_final_response_without_response_completed() {
    let server = MockServer::start().await;
    let mut script = events();
    script.pop();
    script.push((
        "response.failed".to_owned(),
        json!({"type": "response.failed", "sequence_number": 10, "response": response("failed", json!([]))}),
    ));
    server.enqueue(sse(&script));
    let mut stream = open(&server, false).await;
    let Err(Error::Stream(e)) = stream.final_response().await else {
        panic!()
    };
    assert_eq!(e.kind(), StreamErrorKind::EndedEarly);
    assert_eq!(stream.current_snapshot().unwrap().output_text(), "Hello");
}

#[tokio::test]
async fn an_error_event_is_an_api_error() {
    let server = MockServer::start().await;
    let mut script = events()[..3].to_vec();
    script.push((
        "error".to_owned(),
        json!({"type": "error", "code": "server_error", "message": "boom", "param": null, "sequence_number": 3}),
    ));
    server.enqueue(sse(&script));
    let mut stream = open(&server, false).await;
    let (events, error) = collect(&mut stream).await;
    assert_eq!(events.len(), 3);
    assert!(matches!(error, Some(Error::Api(_))), "{error:?}");
}

#[tokio::test]
async fn stream_existing_reads_from_the_start_and_skips_up_to_starting_after() {
    let server = MockServer::start().await;
    server.enqueue(sse(&events()));
    let mut stream = client(&server)
        .responses()
        .stream_existing("resp_1", Some(5))
        .await
        .unwrap();
    let (seen, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(numbers(&seen), (6..11).collect::<Vec<_>>());
    // Events not returned were still accumulated.
    assert_eq!(stream.current_snapshot().unwrap().output_text(), "Hello");
    let request = &server.requests()[0];
    assert_eq!(request.method(), "GET");
    assert_eq!(request.path(), "/v1/responses/resp_1");
    assert_eq!(
        request.query_pairs(),
        [("stream".to_owned(), "true".to_owned())]
    );
}

#[tokio::test]
async fn a_cut_stream_is_an_error_unless_resuming() {
    let server = MockServer::start().await;
    server.enqueue(sse(&events()).cut_after(5));
    let mut stream = open(&server, false).await;
    let (seen, error) = collect(&mut stream).await;
    assert_eq!(seen.len(), 5);
    assert!(matches!(error, Some(Error::Connection(_))), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn resumes_after_a_cut_without_duplicates() {
    let server = MockServer::start().await;
    let script = events();
    server.enqueue(sse(&script).cut_after(5));
    // A server that replays from the start anyway: nothing is returned twice.
    server.enqueue(sse(&script).cut_after(8));
    // One that honours `starting_after`.
    server.enqueue(sse(&script[8..]));
    let mut stream = open(&server, true).await;
    let (seen, error) = collect(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(numbers(&seen), (0..11).collect::<Vec<_>>());
    let response = stream.final_response().await.unwrap();
    assert_eq!(response.output_text(), "Hello");
    assert_eq!(stream.current_snapshot().unwrap().output_text(), "Hello");
    assert_eq!(
        stream.current_function_call_arguments(1),
        Some("{\"city\":\"Paris\"}")
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for (request, after) in requests[1..].iter().zip(["4", "7"]) {
        assert_eq!(request.method(), "GET");
        assert_eq!(request.path(), "/v1/responses/resp_1");
        let query = request.query_pairs();
        assert!(
            query.contains(&("stream".to_owned(), "true".to_owned())),
            "{query:?}"
        );
        assert!(
            query.contains(&("starting_after".to_owned(), after.to_owned())),
            "{query:?}"
        );
    }
}

#[tokio::test]
async fn resuming_gives_up_when_a_connection_brings_nothing_new() {
    let server = MockServer::start().await;
    let script = events();
    server.enqueue(sse(&script).cut_after(5));
    server.enqueue(sse(&script).cut_after(3));
    let mut stream = open(&server, true).await;
    let (seen, error) = collect(&mut stream).await;
    assert_eq!(numbers(&seen), (0..5).collect::<Vec<_>>());
    assert!(matches!(error, Some(Error::Connection(_))), "{error:?}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn streams_and_requests_are_send() {
    fn is_send<T: Send>() {}
    is_send::<ResponseStream>();
    is_send::<openai_core::helpers::ResponseStreamRequest>();
    is_send::<openai_core::helpers::ResponseStreamFuture>();
}
