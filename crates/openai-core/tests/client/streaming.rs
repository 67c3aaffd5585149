//! Streaming chat completions over SSE: `reference/streaming.md`,
//! `tests-to-match.md` 16 (end to end).

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use openai_core::Error;
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
async fn case_9_7_chunks_concatenate_to_the_text() {
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
async fn case_16_9_a_connection_cut_mid_stream_is_an_error_not_an_end() {
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
async fn a_stream_that_ends_by_its_framing_without_done_ends_cleanly() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("Hello there").without_done());
    let stream = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    let items: Vec<_> = stream.collect().await;
    assert!(items.len() > 2, "{items:?}");
    assert!(items.iter().all(Result::is_ok), "{items:?}");
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

/// `issue 10`, stream rules: what servers that are not OpenAI's send.
mod compatible_servers {
    use super::*;
    use crate::support::builder;

    fn sse(text: &str) -> Bytes {
        Bytes::copy_from_slice(text.as_bytes())
    }

    fn data(text: &str) -> String {
        format!("data: {}\n\n", chunk_json(text))
    }

    #[tokio::test]
    async fn empty_events_a_bom_and_no_done_are_all_fine() {
        let server = MockServer::start().await;
        server.enqueue(Mock::sse_raw(vec![
            sse(&format!("\u{feff}{}", data("Hel"))),
            sse("data:\n\nevent: ping\n\nretry: 3000\n\n: keep-alive\n\n"),
            sse(&data("lo")),
        ]));
        let stream = test_client(&server)
            .chat()
            .completions()
            .create_stream(params())
            .await
            .unwrap();
        let items: Vec<_> = stream.collect().await;
        let text: String = items.iter().map(|c| content(c.as_ref().unwrap())).collect();
        assert_eq!(text, "Hello");
    }

    #[tokio::test]
    async fn a_success_that_is_not_an_event_stream_says_what_came() {
        let server = MockServer::start().await;
        server.enqueue(Mock::raw(
            200,
            r#"{"id":"chatcmpl-1","object":"chat.completion"}"#,
            "application/json",
        ));
        server.enqueue(Mock::raw(
            200,
            "<html><body>502 Bad Gateway</body></html>",
            "text/html; charset=utf-8",
        ));
        let client = test_client(&server);
        for (content_type, start) in [
            ("application/json", "\"object\":\"chat.completion\""),
            ("text/html", "502 Bad Gateway"),
        ] {
            let mut stream = client
                .chat()
                .completions()
                .create_stream(params())
                .await
                .unwrap();
            let err = stream.next().await.unwrap().unwrap_err();
            let Error::Decode(e) = &err else {
                panic!("{err:?}")
            };
            let message = e.to_string();
            assert!(message.contains("200"), "{message}");
            assert!(message.contains(content_type), "{message}");
            assert!(message.contains(start), "{message}");
            assert!(stream.next().await.is_none());
        }
    }

    /// A server that sends only keep-alive comments, one a second.
    fn keep_alive_only() -> Mock {
        Mock::sse_raw(vec![sse(": keep-alive\n\n"); 1000]).chunk_delay(Duration::from_secs(1))
    }

    async fn time_to_fail(client: openai_core::Client, request_timeout: Option<Duration>) -> u64 {
        let start = tokio::time::Instant::now();
        let mut request = client.chat().completions().create_stream(params());
        if let Some(t) = request_timeout {
            request = request.timeout(t);
        }
        let mut stream = request.await.unwrap();
        let err = stream.next().await.unwrap().unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(stream.next().await.is_none());
        start.elapsed().as_secs()
    }

    #[tokio::test(start_paused = true)]
    async fn keep_alive_comments_do_not_hold_a_silent_stream_open() {
        let server = MockServer::start().await;
        server.enqueue(keep_alive_only());
        let secs = time_to_fail(no_retry_client(&server), Some(Duration::from_secs(3))).await;
        assert!((3..=4).contains(&secs), "failed after {secs} s");
    }

    #[tokio::test(start_paused = true)]
    async fn the_idle_timeout_is_an_option_per_call_and_per_client() {
        let server = MockServer::start().await;
        server.enqueue(keep_alive_only());
        server.enqueue(keep_alive_only());
        let per_client = builder(&server)
            .max_retries(0)
            .idle_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let secs = time_to_fail(per_client, None).await;
        assert!((5..=6).contains(&secs), "per client: failed after {secs} s");

        let start = tokio::time::Instant::now();
        let mut stream = no_retry_client(&server)
            .chat()
            .completions()
            .create_stream(params())
            .idle_timeout(Duration::from_secs(2))
            .await
            .unwrap();
        let err = stream.next().await.unwrap().unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        let secs = start.elapsed().as_secs();
        assert!((2..=3).contains(&secs), "per call: failed after {secs} s");
    }

    #[tokio::test(start_paused = true)]
    async fn events_keep_a_slow_stream_alive() {
        // One event every 2 s for 20 s, under a 3 s idle timeout.
        let server = MockServer::start().await;
        let events: Vec<Bytes> = (0..10).map(|_| sse(&data("x"))).collect();
        server.enqueue(Mock::sse_raw(events).chunk_delay(Duration::from_secs(2)));
        let stream = no_retry_client(&server)
            .chat()
            .completions()
            .create_stream(params())
            .idle_timeout(Duration::from_secs(3))
            .await
            .unwrap();
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 10);
        assert!(items.iter().all(Result::is_ok), "{items:?}");
    }

    #[tokio::test]
    async fn a_json_call_answered_with_html_gets_a_decode_error_that_says_so() {
        let server = MockServer::start().await;
        server.enqueue(Mock::raw(200, "<html>maintenance</html>", "text/html"));
        let err = test_client(&server)
            .chat()
            .completions()
            .create(params())
            .await
            .unwrap_err();
        let Error::Decode(e) = &err else {
            panic!("{err:?}")
        };
        let message = e.to_string();
        assert!(message.contains("200 OK"), "{message}");
        assert!(message.contains("text/html"), "{message}");
        assert!(message.contains("<html>maintenance</html>"), "{message}");
    }
}
