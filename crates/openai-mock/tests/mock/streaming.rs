//! SSE mocks: encoding, framing, `[DONE]`, cuts, chunk delays and the repeated stream.

use std::time::Duration;

use bytes::Bytes;
use http::Method;
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{call, client, frames, send, sse_data};

#[tokio::test]
async fn chat_stream_mock_streams_words_then_done() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("The quick  brown fox"));
    let answer = call(&client(), &server, Method::POST, "/chat/completions", None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-type"),
        "text/event-stream; charset=utf-8"
    );
    assert_eq!(answer.header("x-request-id"), "req_mock_1");
    assert!(answer.headers.get("content-length").is_none());
    let data = answer.sse_data();
    assert_eq!(data.len(), 7, "{data:?}");
    assert_eq!(data[6], "[DONE]");
    let chunks: Vec<Value> = data[..6]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert_eq!(
        chunks[0]["choices"][0]["delta"],
        json!({"role": "assistant", "content": "", "refusal": null})
    );
    let text: String = chunks[1..5]
        .iter()
        .map(|c| c["choices"][0]["delta"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(text, "The quick  brown fox");
    assert_eq!(chunks[5]["choices"][0]["finish_reason"], "stop");
    assert!(
        chunks[..5]
            .iter()
            .all(|c| c["choices"][0]["finish_reason"].is_null())
    );
    assert!(chunks.iter().all(|c| c["model"] == "gpt-4o-mock"));
}

#[tokio::test]
async fn sse_mock_writes_one_data_line_per_event() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse([json!({"n": 1}), json!({"text": "a\nb"})]));
    server.enqueue(Mock::sse([json!({"n": 1})]).without_done());
    server.enqueue(
        Mock::sse_named([("response.created", json!({"type": "response.created"}))]).without_done(),
    );
    let client = client();

    let with_done = call(&client, &server, Method::GET, "/x", None).await;
    assert_eq!(
        with_done.body,
        "data: {\"n\":1}\n\ndata: {\"text\":\"a\\nb\"}\n\ndata: [DONE]\n\n"
    );
    let without_done = call(&client, &server, Method::GET, "/x", None).await;
    assert_eq!(without_done.body, "data: {\"n\":1}\n\n");
    let named = call(&client, &server, Method::GET, "/x", None).await;
    assert_eq!(
        named.body,
        "event: response.created\ndata: {\"type\":\"response.created\"}\n\n"
    );
}

#[tokio::test(start_paused = true)]
async fn sse_raw_writes_each_chunk_as_its_own_frame() {
    let server = MockServer::start().await;
    // A multi-byte character split across chunks, and a CR LF split across chunks.
    let chunks: Vec<Bytes> = vec![
        Bytes::from_static(b"data: {\"content\":\"\xD0"),
        Bytes::from_static(b"\xB8\"}\r"),
        Bytes::from_static(b"\n\r\n"),
        Bytes::from_static(b": comment\n\n"),
    ];
    server.enqueue(Mock::sse_raw(chunks.clone()).chunk_delay(Duration::from_millis(50)));
    let started = tokio::time::Instant::now();
    let response = send(&client(), &server, Method::GET, "/stream", None).await;
    assert_eq!(response.status(), 200);
    let (received, failed) = frames(response.into_body()).await;
    assert!(!failed);
    assert_eq!(received, chunks);
    // Three gaps between four frames.
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn sse_raw_without_delay_keeps_the_bytes() {
    let server = MockServer::start().await;
    let chunks: Vec<Bytes> = (0..50)
        .map(|i| Bytes::from(format!("data: {i}\n\n")))
        .collect();
    server.enqueue(Mock::sse_raw(chunks.clone()));
    let answer = call(&client(), &server, Method::GET, "/stream", None).await;
    assert_eq!(answer.body, chunks.concat());
    assert!(!answer.sse_data().contains(&"[DONE]".to_owned()));
}

#[tokio::test]
async fn cut_after_ends_the_body_with_an_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("one two three four five").cut_after(3));
    server.enqueue(
        Mock::sse_raw(vec!["data: {}\n\n".into(), "data: {\"partial".into()]).cut_after(2),
    );
    let client = client();

    let response = send(&client, &server, Method::POST, "/chat/completions", None).await;
    assert_eq!(response.status(), 200);
    let (received, failed) = frames(response.into_body()).await;
    assert!(failed, "the client must see an error, not a clean end");
    let data = sse_data(&received.concat());
    assert_eq!(data.len(), 3, "{data:?}");
    assert!(data.iter().all(|d| d != "[DONE]"));
    let last: Value = serde_json::from_str(&data[2]).unwrap();
    assert_eq!(last["choices"][0]["delta"]["content"], " two");

    let response = send(&client, &server, Method::GET, "/raw", None).await;
    let (received, failed) = frames(response.into_body()).await;
    assert!(failed);
    assert_eq!(received.concat(), b"data: {}\n\ndata: {\"partial");

    // The server keeps serving on new connections.
    let answer = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test(start_paused = true)]
async fn chunk_delay_spaces_events_on_the_paused_clock() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("a b c").chunk_delay(Duration::from_secs(1)));
    let started = tokio::time::Instant::now();
    let answer = call(&client(), &server, Method::POST, "/chat/completions", None).await;
    // role, 3 words, finish, [DONE]: 6 frames, 5 gaps.
    assert_eq!(answer.sse_data().len(), 6);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(5), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");
}

#[tokio::test]
async fn chat_stream_repeat_sends_exactly_n_events() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream_repeat(50_000, 64));
    server.enqueue(Mock::chat_stream_repeat(10, 3).without_done());
    server.enqueue(Mock::chat_stream_repeat(10, 4).cut_after(6));
    let client = client();

    let response = send(&client, &server, Method::POST, "/chat/completions", None).await;
    let (received, failed) = frames(response.into_body()).await;
    assert!(!failed);
    let body = received.concat();
    let data = sse_data(&body);
    assert_eq!(data.len(), 50_001);
    assert_eq!(data[50_000], "[DONE]");
    let first: Value = serde_json::from_str(&data[0]).unwrap();
    assert_eq!(first["object"], "chat.completion.chunk");
    assert!(data[..50_000].iter().all(|d| *d == data[0]));

    let answer = call(&client, &server, Method::POST, "/chat/completions", None).await;
    let data = answer.sse_data();
    assert_eq!(data.len(), 10);
    assert!(data.iter().all(|d| d != "[DONE]"));

    let response = send(&client, &server, Method::POST, "/chat/completions", None).await;
    let (received, failed) = frames(response.into_body()).await;
    assert!(failed);
    assert_eq!(sse_data(&received.concat()).len(), 6);
}
