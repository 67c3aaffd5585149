//! `with_streaming_response()`: status, headers and request id first, the
//! body read on demand (reference/client.md 6.3, API.md "Raw and streamed
//! responses").

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use openai_core::Error;
use openai_mock::{Mock, MockServer};
use serde_json::Value;

use crate::support::{no_retry_client, params, test_client};

#[tokio::test]
async fn streamed_response_marks_the_request_and_parses_the_body_as_the_call_would() {
    let server = MockServer::start().await;
    server.enqueue(
        Mock::chat_completion("hi")
            .header("x-my-header", "yes")
            .header("x-request-id", "req_streamed"),
    );
    let resp = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .with_streaming_response()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-my-header"], "yes");
    assert_eq!(resp.request_id(), Some("req_streamed"));
    assert_eq!(resp.retries_taken(), 0);
    let completion = resp.parse().await.unwrap();
    assert_eq!(completion.choices[0].message.content.as_deref(), Some("hi"));
    assert_eq!(completion.request_id(), Some("req_streamed"));
    assert_eq!(
        server.requests()[0].header("x-stainless-raw-response"),
        Some("stream")
    );
}

#[tokio::test]
async fn streamed_response_reads_the_body_as_bytes_text_or_json() {
    let server = MockServer::start().await;
    for _ in 0..3 {
        server.enqueue(Mock::chat_completion("hi"));
    }
    let client = test_client(&server);
    let call = || {
        client
            .chat()
            .completions()
            .create(params())
            .with_streaming_response()
    };
    let bytes = call().await.unwrap().bytes().await.unwrap();
    let from_bytes: Value = serde_json::from_slice(&bytes).unwrap();
    let text = call().await.unwrap().text().await.unwrap();
    let json: Value = call().await.unwrap().json().await.unwrap();
    assert_eq!(from_bytes["object"], "chat.completion");
    let from_text: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(from_text["id"], "chatcmpl-mock-2");
    assert_eq!(from_bytes["id"], "chatcmpl-mock-1");
    assert_eq!(json["choices"][0]["message"]["content"], "hi");
}

#[tokio::test(start_paused = true)]
async fn lines_split_on_every_terminator_and_keep_characters_split_across_reads() {
    let server = MockServer::start().await;
    let text = "first\r\nsécond\rthird\n\nlast ✓".as_bytes();
    // Cut inside `é`, between `\r` and `\n`, and inside `✓`.
    let cuts = [6, 9, text.len() - 2];
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts {
        chunks.push(Bytes::copy_from_slice(&text[start..cut]));
        start = cut;
    }
    chunks.push(Bytes::copy_from_slice(&text[start..]));
    server.enqueue(Mock::sse_raw(chunks).chunk_delay(Duration::from_millis(10)));
    let resp = test_client(&server)
        .get::<Value>("/anything")
        .with_streaming_response()
        .await
        .unwrap();
    let lines: Vec<String> = resp
        .lines()
        .map(|line| line.unwrap())
        .collect::<Vec<_>>()
        .await;
    assert_eq!(lines, ["first", "sécond", "third", "", "last ✓"]);
}

#[tokio::test(start_paused = true)]
async fn the_body_is_not_read_before_the_caller_asks() {
    // The connection breaks after the first chunk: a plain call fails at
    // `.await`, a streamed one only when the body is read.
    let server = MockServer::start().await;
    let chunks = vec![
        Bytes::from_static(b"{\"partial\":"),
        Bytes::from_static(b"1}"),
    ];
    server.enqueue(Mock::sse_raw(chunks.clone()).cut_after(1));
    server.enqueue(Mock::sse_raw(chunks).cut_after(1));
    let client = no_retry_client(&server);

    let plain = client.get::<Value>("/anything").await;
    assert!(plain.is_err());

    let resp = client
        .get::<Value>("/anything")
        .with_streaming_response()
        .await
        .expect("headers arrive before the body breaks");
    assert_eq!(resp.status(), 200);
    let mut resp = resp;
    let first = resp.next().await.unwrap().unwrap();
    assert_eq!(&first[..], b"{\"partial\":");
    let err = loop {
        match resp.next().await {
            Some(Ok(_)) => continue,
            Some(Err(e)) => break e,
            None => panic!("a cut body must not end cleanly"),
        }
    };
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
}

#[tokio::test]
async fn case_9_8_parse_of_a_stream_call_hands_over_the_event_stream() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("Hello there"));
    let resp = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .with_streaming_response()
        .await
        .unwrap();
    let mut stream = resp.parse().await.unwrap();
    let mut content = String::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        if let Some(text) = chunk
            .choices
            .first()
            .and_then(|c| c.delta.content.as_deref())
        {
            content.push_str(text);
        }
    }
    assert_eq!(content, "Hello there");
}

#[tokio::test]
async fn an_error_status_fails_the_call_not_the_body() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(404).header("x-request-id", "req_404"));
    let err = no_retry_client(&server)
        .models()
        .retrieve("gone")
        .with_streaming_response()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
    assert_eq!(err.as_api().unwrap().request_id(), Some("req_404"));
}

#[tokio::test]
async fn write_to_streams_the_body_into_a_file() {
    let server = MockServer::start().await;
    server.enqueue(Mock::raw(200, "file body", "application/octet-stream"));
    let dir = std::env::temp_dir().join(format!("openai-streamed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.bin");
    let written = test_client(&server)
        .get::<Value>("/files/x/content")
        .with_streaming_response()
        .await
        .unwrap()
        .write_to(&path)
        .await
        .unwrap();
    assert_eq!(written, 9);
    assert_eq!(std::fs::read(&path).unwrap(), b"file body");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// tests-to-match 4.2: `with_streaming_response()` tells how many retries the
/// call took, and the last attempt's `x-stainless-retry-count` says the same,
/// whether the failures were 500s or dropped connections.
#[tokio::test(start_paused = true)]
async fn case_4_2_a_streamed_response_tells_its_retries() {
    use openai_core::RequestOptions;

    for (label, failure) in [("500", Mock::error(500)), ("drop", Mock::drop_connection())] {
        for n in [0_u32, 2, 4] {
            let server = MockServer::start().await;
            let client = test_client(&server).with_options(RequestOptions::new().max_retries(4));
            for _ in 0..n {
                server.enqueue(failure.clone());
            }
            server.enqueue(Mock::chat_completion("ok"));
            let resp = client
                .chat()
                .completions()
                .create(params())
                .with_streaming_response()
                .await
                .unwrap();
            assert_eq!(resp.retries_taken(), n, "{label} x{n}");
            let requests = server.requests();
            assert_eq!(requests.len(), n as usize + 1, "{label} x{n}");
            assert_eq!(
                requests.last().unwrap().header("x-stainless-retry-count"),
                Some(n.to_string().as_str()),
                "{label} x{n}"
            );
        }
    }
}

/// tests-to-match 4.5: a streamed call whose every attempt times out fails
/// with `Error::Timeout` once the retries are spent. (Python also checks the
/// pool has no open request left: here the response is dropped with the
/// error, which closes its connection.)
#[tokio::test(start_paused = true)]
async fn case_4_5_a_streamed_call_that_always_times_out_is_a_timeout() {
    let server = MockServer::start().await;
    for _ in 0..3 {
        server.enqueue(Mock::stall());
    }
    let err = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .timeout(Duration::from_secs(1))
        .with_streaming_response()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(server.requests().len(), 3, "one attempt and two retries");
}
