//! Compressed responses end to end (`reference/client.md` 2.1: the HTTP
//! library asks for `gzip, deflate` and decodes): JSON answers, error bodies
//! and SSE streams decode; corrupt data and gzip bombs are typed errors.

use std::io::Write;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use futures_util::StreamExt;
use openai_core::Error;
use openai_mock::{Mock, MockServer};
use serde_json::json;

use crate::support::{api_error, builder, no_retry_client, params, test_client};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn gzipped(status: u16, body: &serde_json::Value) -> Mock {
    Mock::raw(
        status,
        gzip(body.to_string().as_bytes()),
        "application/json",
    )
    .header("content-encoding", "gzip")
}

fn decode_message(err: Error) -> String {
    match err {
        Error::Decode(e) => e.to_string(),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_gzip_answer_decodes_and_the_request_asks_for_it() {
    let server = MockServer::start().await;
    let model = json!({"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "openai"});
    server.enqueue(gzipped(200, &model));
    let got = test_client(&server)
        .models()
        .retrieve("gpt-4o")
        .await
        .unwrap();
    assert_eq!(got.id, "gpt-4o");
    let sent = server.requests();
    assert_eq!(
        sent[0].header("accept-encoding"),
        Some(openai_transport::decompress::ACCEPT_ENCODING_VALUE)
    );
}

#[tokio::test]
async fn a_gzip_error_body_gives_the_api_error() {
    let server = MockServer::start().await;
    let body = json!({"error": {"message": "No such model", "type": "invalid_request_error", "param": null, "code": "model_not_found"}});
    server.enqueue(gzipped(404, &body));
    let err = no_retry_client(&server)
        .models()
        .retrieve("nope")
        .await
        .unwrap_err();
    let api = api_error(err);
    assert_eq!(api.status(), 404);
    assert_eq!(api.message(), "No such model");
}

#[tokio::test]
async fn a_gzip_stream_decodes_event_by_event() {
    let server = MockServer::start().await;
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    let mut chunks = Vec::new();
    let mut sent = 0;
    let mut events: Vec<String> = ["Hel", "lo"]
        .iter()
        .map(|t| {
            let chunk = json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o",
                "choices": [{"index": 0, "delta": {"content": t}, "finish_reason": null}]});
            format!("data: {chunk}\n\n")
        })
        .collect();
    events.push("data: [DONE]\n\n".to_owned());
    for event in &events {
        encoder.write_all(event.as_bytes()).unwrap();
        encoder.flush().unwrap();
        chunks.push(Bytes::copy_from_slice(&encoder.get_ref()[sent..]));
        sent = encoder.get_ref().len();
    }
    chunks.push(Bytes::copy_from_slice(&encoder.finish().unwrap()[sent..]));
    server.enqueue(Mock::sse_raw(chunks).header("content-encoding", "gzip"));

    let stream = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    let text: String = stream
        .map(|c| {
            let c = c.expect("every chunk decodes");
            c.choices[0]
                .delta
                .content
                .clone()
                .into_option()
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .await
        .concat();
    assert_eq!(text, "Hello");
}

#[tokio::test]
async fn a_corrupt_gzip_body_is_a_decode_error_and_not_retried() {
    let server = MockServer::start().await;
    server.enqueue(
        Mock::raw(200, &b"\x1f\x8b\x08\x00garbage"[..], "application/json")
            .header("content-encoding", "gzip"),
    );
    let err = test_client(&server)
        .models()
        .retrieve("gpt-4o")
        .await
        .unwrap_err();
    let message = decode_message(err);
    assert!(message.contains("not valid gzip"), "{message}");
    assert_eq!(
        server.requests().len(),
        1,
        "a decoding error is not retried"
    );
}

#[tokio::test]
async fn an_encoding_it_cannot_decode_is_a_decode_error() {
    let server = MockServer::start().await;
    server.enqueue(
        Mock::raw(200, &b"x"[..], "application/json").header("content-encoding", "compress"),
    );
    let err = test_client(&server)
        .models()
        .retrieve("gpt-4o")
        .await
        .unwrap_err();
    assert!(decode_message(err).contains("`compress`"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_gzip_bomb_stops_at_the_decoded_cap() {
    let server = MockServer::start().await;
    // 16 MiB of zeros in 16 KiB of gzip; the cap is 1 MiB of decoded bytes.
    let bomb = include_bytes!("../../../openai-transport/tests/data/zeros-16MiB.gz");
    server
        .enqueue(Mock::raw(200, &bomb[..], "application/json").header("content-encoding", "gzip"));
    let client = builder(&server).max_body_size(1 << 20).build().unwrap();
    let err = client.models().retrieve("gpt-4o").await.unwrap_err();
    let message = decode_message(err);
    assert!(message.contains("larger than 1048576 bytes"), "{message}");
    assert_eq!(server.requests().len(), 1);
}
