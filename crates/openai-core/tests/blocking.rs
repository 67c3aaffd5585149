//! The blocking client against `openai-mock`: calls, per-call options,
//! retries, errors, timeouts, streams, pagination, binary and raw answers,
//! and the refusal inside an async runtime.

use std::time::Duration;

use openai_core::blocking::Client;
use openai_core::types::FileListParams;
use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
use openai_core::{Error, RequestOptions};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

/// The mock on a runtime of its own, and a blocking client pointed at it.
struct Fixture {
    server: MockServer,
    client: Client,
    _runtime: tokio::runtime::Runtime,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the mock");
    let server = runtime.block_on(MockServer::start());
    let client = openai_core::Client::builder()
        .api_key("My API Key")
        .base_url(server.url())
        .build_blocking()
        .expect("the blocking client builds");
    Fixture {
        server,
        client,
        _runtime: runtime,
    }
}

fn params() -> ChatCompletionCreateParams {
    ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Say this is a test")])
}

#[test]
fn a_call_with_per_call_options() {
    let f = fixture();
    let completion = f
        .client
        .chat()
        .completions()
        .create(params())
        .header("x-custom", "1")
        .send()
        .unwrap();
    assert_eq!(
        completion.choices[0].message.content.as_deref(),
        Some("Say this is a test")
    );
    let request = &f.server.requests()[0];
    assert_eq!(request.path(), "/v1/chat/completions");
    assert_eq!(request.header("x-custom"), Some("1"));
    assert_eq!(request.header("authorization"), Some("Bearer My API Key"));
}

#[test]
fn retries_then_errors_as_the_async_client() {
    let f = fixture();
    f.server
        .enqueue(Mock::error(500).header("retry-after-ms", "1"));
    f.server.enqueue(Mock::chat_completion("after a retry"));
    let completion = f
        .client
        .chat()
        .completions()
        .create(params())
        .send()
        .unwrap();
    assert_eq!(
        completion.choices[0].message.content.as_deref(),
        Some("after a retry")
    );
    assert_eq!(f.server.requests().len(), 2);

    f.server
        .enqueue(Mock::error(400).error_message("bad input"));
    let error = f
        .client
        .chat()
        .completions()
        .create(params())
        .send()
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("an API error: {error:?}");
    };
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.message(), "bad input");

    let no_retries = f.client.with_options(RequestOptions::new().max_retries(0));
    f.server.enqueue(Mock::error(503));
    let error = no_retries.models().list().send().unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(f.server.requests().len(), 4, "no retry after the 503");
}

#[test]
fn a_stalled_answer_times_out() {
    let f = fixture();
    f.server.enqueue(Mock::stall());
    let error = f
        .client
        .models()
        .list()
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .send()
        .unwrap_err();
    assert!(matches!(error, Error::Timeout), "{error:?}");
}

#[test]
fn a_stream_is_an_iterator() {
    let f = fixture();
    f.server.enqueue(Mock::chat_stream("Hello there friend"));
    let stream = f
        .client
        .chat()
        .completions()
        .create_stream(params())
        .send()
        .unwrap();
    assert!(stream.request_id().is_some());
    let mut text = String::new();
    let mut chunks = 0;
    for chunk in stream {
        let chunk = chunk.unwrap();
        chunks += 1;
        if let Some(choice) = chunk.choices.first() {
            text.push_str(choice.delta.content.as_deref().unwrap_or_default());
        }
    }
    assert_eq!(text, "Hello there friend");
    assert!(chunks >= 3, "{chunks}");
}

#[test]
fn pages_and_auto_paging() {
    let f = fixture();
    // The mock pages its lists: 3 items, 2 per page.
    let page = f.client.files().list(FileListParams::new()).send().unwrap();
    assert_eq!(page.data.len(), 2);
    assert!(page.has_next_page());
    let next = page.get_next_page().unwrap();
    assert_eq!(next.data.len(), 1);
    assert!(!next.has_next_page());
    let all: Vec<_> = f
        .client
        .files()
        .list(FileListParams::new())
        .auto_paging()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len(), 3);
}

#[test]
fn binary_answers_read_or_written() {
    let f = fixture();
    f.server.enqueue(Mock::raw(
        200,
        b"file bytes".to_vec(),
        "application/octet-stream",
    ));
    let bytes = f
        .client
        .files()
        .content("file-1")
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    assert_eq!(&bytes[..], b"file bytes");
    let path = std::env::temp_dir().join(format!("openai-blocking-{}.bin", std::process::id()));
    f.server.enqueue(Mock::raw(
        200,
        b"to disk".to_vec(),
        "application/octet-stream",
    ));
    let written = f
        .client
        .files()
        .content("file-1")
        .send()
        .unwrap()
        .write_to(&path)
        .unwrap();
    assert_eq!(written, 7);
    assert_eq!(std::fs::read(&path).unwrap(), b"to disk");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn raw_responses_and_hand_made_requests() {
    let f = fixture();
    f.server
        .enqueue(Mock::ok(json!({"ok": true})).header("x-extra", "yes"));
    let raw = f
        .client
        .get::<Value>("/things")
        .with_raw_response()
        .send()
        .unwrap();
    assert_eq!(raw.headers().get("x-extra").unwrap(), "yes");
    assert_eq!(raw.parse().unwrap(), json!({"ok": true}));
    assert_eq!(
        f.server.requests()[0].header("x-stainless-raw-response"),
        Some("true")
    );
}

#[test]
fn inside_an_async_runtime_it_refuses_instead_of_blocking() {
    let f = fixture();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let error = runtime.block_on(async { f.client.models().list().send().unwrap_err() });
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(
        error.to_string().contains("inside an async runtime"),
        "{error}"
    );
    assert!(f.server.requests().is_empty(), "nothing was sent");
    // Outside it, the same client works.
    assert_eq!(f.client.models().list().send().unwrap().data.len(), 3);
}

#[test]
fn clones_share_the_runtime_and_dropping_the_last_stops_it() {
    let f = fixture();
    let clone = f.client.clone();
    drop(f.client);
    assert!(clone.models().list().send().is_ok());
    drop(clone);
}

#[test]
fn the_chat_stream_helper_is_an_iterator_with_a_final_completion() {
    let f = fixture();
    f.server.enqueue(Mock::chat_stream("Hello there"));
    let mut stream = f
        .client
        .chat()
        .completions()
        .stream(params())
        .send()
        .unwrap();
    let mut deltas = String::new();
    for event in stream.by_ref() {
        if let openai_core::ChatCompletionStreamEvent::ContentDelta(delta) = event.unwrap() {
            deltas.push_str(&delta.delta);
        }
    }
    assert_eq!(deltas, "Hello there");
    let snapshot = stream
        .get_ref()
        .unwrap()
        .current_completion_snapshot()
        .unwrap();
    assert_eq!(
        snapshot.choices[0].message.content.as_deref(),
        Some("Hello there")
    );
    let completion = stream.final_completion().unwrap();
    assert_eq!(
        completion.choices[0].message.content.as_deref(),
        Some("Hello there")
    );
    assert_eq!(
        f.server.requests()[0].header("x-stainless-helper-method"),
        Some("chat.completions.stream")
    );
}

#[test]
fn polling_and_uploads_through_the_blocking_client() {
    let f = fixture();
    let processed = json!({
        "id": "file-1", "object": "file", "bytes": 3, "created_at": 1,
        "filename": "a.jsonl", "purpose": "fine-tune", "status": "processed",
    });
    f.server.enqueue(Mock::ok(processed));
    let file = f
        .client
        .files()
        .wait_for_processing("file-1")
        .poll_interval(Duration::from_millis(1))
        .send()
        .unwrap();
    assert_eq!(file.id, "file-1");
    assert_eq!(f.server.requests()[0].path(), "/v1/files/file-1");

    let upload = f
        .client
        .uploads()
        .upload_file_chunked(
            openai_core::FileUpload::bytes("a.jsonl", b"{}\n{}\n".to_vec()),
            "text/jsonl",
            openai_core::types::UploadCreateParamsPurpose::FineTune,
        )
        .configure(|c| c.part_size(3))
        .send()
        .unwrap();
    assert!(!upload.id.is_empty());
    let parts = f
        .server
        .requests()
        .iter()
        .filter(|r| r.path().ends_with("/parts"))
        .count();
    assert_eq!(parts, 2);
}

#[test]
fn streamed_responses_read_when_asked() {
    let f = fixture();
    let response = f
        .client
        .get::<Value>("/models")
        .with_streaming_response()
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.request_id().is_some());
    let text = response.text().unwrap();
    assert!(text.contains("\"object\""), "{text}");
    assert_eq!(
        f.server.requests()[0].header("x-stainless-raw-response"),
        Some("stream")
    );
}
