//! Streaming chat completions over SSE: `reference/streaming.md`,
//! `tests-to-match.md` 16 (end to end).

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use openai_core::Error;
use openai_core::error::StreamErrorKind;
use openai_core::types::chat::ChatCompletionChunk;
use openai_mock::{Mock, MockServer};
use serde_json::json;

use crate::support::{no_retry_client, params, test_client};

fn content(chunk: &ChatCompletionChunk) -> String {
    chunk
        .choices
        .first()
        .and_then(|c| c.delta.content.clone().into_option())
        .unwrap_or_default()
}

fn chunk_json(text: &str) -> serde_json::Value {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]
    })
}

#[tokio::test]
async fn chunks_concatenate_to_the_text() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("Hello there"));
    let stream = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    assert_eq!(stream.request_id(), Some("req_mock_1"));
    let chunks: Vec<ChatCompletionChunk> = stream
        .map(|c| c.expect("every chunk decodes"))
        .collect()
        .await;

    let text: String = chunks.iter().map(content).collect();
    assert_eq!(text, "Hello there");
    assert_eq!(
        chunks[0].choices[0].delta.role.as_ref().map(|r| r.as_str()),
        Some("assistant")
    );
    assert_eq!(
        chunks.last().unwrap().choices[0]
            .finish_reason
            .as_ref()
            .map(|r| r.as_str()),
        Some("stop")
    );
    assert!(chunks.iter().all(|c| c.object == "chat.completion.chunk"));
    let request = &server.requests()[0];
    assert_eq!(request.json()["stream"], true);
    assert_eq!(request.path(), "/v1/chat/completions");
}

#[tokio::test]
async fn the_built_in_model_streams_an_echo() {
    let server = MockServer::start().await;
    let stream = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    let text: String = stream.map(|c| content(&c.unwrap())).collect().await;
    assert_eq!(text, "Say this is a test");
}

#[tokio::test]
async fn a_connection_cut_mid_stream_is_an_error_not_an_end() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("Hello there friend").cut_after(2));
    let stream = no_retry_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    let items: Vec<_> = stream.collect().await;

    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok() && items[1].is_ok(), "{items:?}");
    assert!(
        matches!(&items[2], Err(Error::Connection(_))),
        "{:?}",
        items[2]
    );
    // Failures after a 2xx response are not retried.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_stream_without_done_is_incomplete() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("Hello there").without_done());
    let stream = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    let items: Vec<_> = stream.collect().await;

    let (last, chunks) = items.split_last().unwrap();
    assert!(chunks.iter().all(Result::is_ok), "{items:?}");
    assert!(
        matches!(last, Err(Error::Stream(e)) if e.kind() == StreamErrorKind::Incomplete),
        "{last:?}"
    );
}

#[tokio::test]
async fn an_error_event_mid_stream_is_an_api_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse([
        chunk_json("Hel"),
        json!({"error": {"message": "overloaded", "type": "server_error", "code": "busy"}}),
        chunk_json("never seen"),
    ]));
    let mut stream = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();

    assert_eq!(content(&stream.next().await.unwrap().unwrap()), "Hel");
    let err = stream.next().await.unwrap().unwrap_err();
    let Error::Api(e) = err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert!(e.is_stream_error());
    assert_eq!(e.message(), "overloaded");
    assert_eq!(e.code(), Some("busy"));
    assert_eq!(e.error_type(), Some("server_error"));
    assert_eq!(e.request_id(), Some("req_mock_1"));
    assert!(
        stream.next().await.is_none(),
        "the stream ends after an error"
    );
}

#[tokio::test(start_paused = true)]
async fn a_character_split_across_chunks_decodes() {
    let event = format!(
        "data: {}\n\ndata: [DONE]\n\n",
        serde_json::to_string(&chunk_json("известни")).unwrap()
    );
    let bytes = event.into_bytes();
    // Cut inside the two-byte `и` and inside a later letter.
    let start = bytes.windows(2).position(|w| w == "и".as_bytes()).unwrap();
    let cuts = [start + 1, start + 7, bytes.len() - 3];
    let mut chunks = Vec::new();
    let mut from = 0;
    for cut in cuts {
        chunks.push(Bytes::copy_from_slice(&bytes[from..cut]));
        from = cut;
    }
    chunks.push(Bytes::copy_from_slice(&bytes[from..]));
    assert!(
        std::str::from_utf8(&chunks[0]).is_err(),
        "the first cut splits a character"
    );

    let server = MockServer::start().await;
    server.enqueue(Mock::sse_raw(chunks).chunk_delay(Duration::from_millis(10)));
    let stream = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    let items: Vec<_> = stream.collect().await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(content(items[0].as_ref().unwrap()), "известни");
}

#[tokio::test]
async fn an_error_status_on_a_streaming_call_fails_the_call() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(401));
    let err = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap_err();
    let Error::Api(e) = err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert!(e.is_authentication());
    assert!(!e.is_stream_error());
    assert_eq!(e.code(), Some("invalid_api_key"));
}
