//! Faults: dropped connections, stalls and delays on a paused clock, hostile clients,
//! shutdown on drop.

use std::time::Duration;

use http::Method;
use openai_mock::{MAX_REQUEST_BODY, Mock, MockServer};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::support::{call, client, request};

#[tokio::test]
async fn drop_connection_gives_the_client_an_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::drop_connection());
    let client = client();
    let result = client
        .request(request(
            &server,
            Method::POST,
            "/chat/completions",
            Some(&json!({})),
        ))
        .await;
    let error = result.expect_err("the connection was dropped without a response");
    assert!(
        !error.is_connect(),
        "the request reached the server: {error:?}"
    );
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.pending(), 0);

    let answer = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test(start_paused = true)]
async fn stall_lets_the_client_timeout_fire() {
    let server = MockServer::start().await;
    server.enqueue(Mock::stall());
    let client = client();
    let started = Instant::now();
    let result = tokio::time::timeout(
        Duration::from_secs(600),
        client.request(request(&server, Method::POST, "/chat/completions", None)),
    )
    .await;
    assert!(result.is_err(), "a stalled mock must never answer");
    assert!(started.elapsed() >= Duration::from_secs(600));
    // The request was received and recorded even though it was never answered.
    assert_eq!(server.requests().len(), 1);

    // Other connections are still served.
    let answer = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test(start_paused = true)]
async fn delay_waits_on_the_paused_clock() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({"late": true})).delay(Duration::from_secs(30)));
    server.enqueue(Mock::error(500).delay(Duration::from_millis(1500)));
    let client = client();

    let started = Instant::now();
    let answer = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(answer.json(), json!({"late": true}));
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(30), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(31), "{elapsed:?}");

    let started = Instant::now();
    let timed_out = tokio::time::timeout(
        Duration::from_secs(1),
        client.request(request(&server, Method::GET, "/models", None)),
    )
    .await;
    assert!(timed_out.is_err(), "1 s timeout against a 1.5 s delay");
    assert!(started.elapsed() >= Duration::from_secs(1));
}

/// Sends raw bytes on a new connection and reads until the server closes it.
async fn raw_exchange(server: &MockServer, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
        if out.windows(4).any(|w| w == b"\r\n\r\n") && out.ends_with(b"}") {
            break;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn oversized_bodies_get_413_without_being_read() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_completion("kept for the next request"));
    let head = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n",
        MAX_REQUEST_BODY + 1
    );
    let reply = raw_exchange(&server, head.as_bytes()).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert!(
        reply.contains("\"type\":\"invalid_request_error\""),
        "{reply}"
    );
    // The oversized request is recorded (without its body) and did not use the queue.
    assert_eq!(server.requests().len(), 1);
    assert!(server.requests()[0].body().is_empty());
    assert_eq!(server.pending(), 1);
}

#[tokio::test]
async fn garbage_does_not_hurt_the_server() {
    let server = MockServer::start().await;
    let reply = raw_exchange(&server, b"\x00\x01 NOT HTTP \r\n\r\n").await;
    assert!(!reply.starts_with("HTTP/1.1 2"), "{reply}");
    let reply = raw_exchange(
        &server,
        b"POST /v1/embeddings HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    )
    .await;
    assert!(!reply.starts_with("HTTP/1.1 2"), "{reply}");
    let answer = call(
        &client(),
        &server,
        Method::POST,
        "/embeddings",
        Some(&json!({"input": [[-1]], "dimensions": 1e9})),
    )
    .await;
    assert_eq!(answer.status, 400);
    let answer = call(&client(), &server, Method::GET, "/models", None).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn dropping_the_server_shuts_it_down() {
    let server = MockServer::start().await;
    server.enqueue(Mock::stall());
    let addr = server.addr();
    let client = client();
    let stalled = tokio::spawn({
        let request = request(&server, Method::GET, "/models", None);
        let client = client.clone();
        async move { client.request(request).await }
    });
    // Wait until the stalled request has reached the server.
    while server.requests().is_empty() {
        tokio::task::yield_now().await;
    }
    drop(server);

    let result = tokio::time::timeout(Duration::from_secs(10), stalled)
        .await
        .expect("the stalled connection must be cut when the server is dropped")
        .unwrap();
    assert!(result.is_err());

    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(refused, "the listener must be closed");
}
