//! WebSocket endpoints: script steps, the built-in Realtime and Responses models, the
//! shared queue, recorded handshakes and messages, closes and bad handshakes.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{Method, Request, StatusCode};
use http_body_util::Full;
use openai_mock::{Mock, MockServer, WsScript};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{WebSocketStream, client_async};

use crate::support::{call, client};

type Ws = WebSocketStream<TcpStream>;

/// Opens a WebSocket to `path` (with its query) on the server, with an API key header.
async fn try_connect(server: &MockServer, path: &str) -> Result<Ws, WsError> {
    let stream = TcpStream::connect(server.addr()).await.expect("connect");
    let mut request = format!("ws://{}{path}", server.addr())
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("authorization", "Bearer sk-test".parse().unwrap());
    client_async(request, stream).await.map(|(ws, _)| ws)
}

async fn connect(server: &MockServer, path: &str) -> Ws {
    try_connect(server, path).await.expect("handshake failed")
}

/// The next message, skipping pings and pongs; panics if the connection ends.
async fn next(ws: &mut Ws) -> Message {
    loop {
        match ws.next().await {
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            Some(Ok(message)) => return message,
            other => panic!("expected a message, got {other:?}"),
        }
    }
}

/// The next message as a JSON event.
async fn next_event(ws: &mut Ws) -> Value {
    match next(ws).await {
        Message::Text(text) => serde_json::from_str(&text).expect("event is JSON"),
        other => panic!("expected a text event, got {other:?}"),
    }
}

async fn send_json(ws: &mut Ws, event: Value) {
    ws.send(Message::text(event.to_string())).await.unwrap();
}

/// Closes from the client side with `code` and reads until the server's answer ends the
/// connection.
async fn close(ws: &mut Ws, code: u16) {
    ws.close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: "client done".into(),
    }))
    .await
    .unwrap();
    while let Some(Ok(_)) = ws.next().await {}
}

/// Waits (on the runtime's clock) until the server has recorded `n` connection ends.
async fn closes(server: &MockServer, n: usize) -> Vec<(usize, Option<u16>)> {
    for _ in 0..1000 {
        let closes = server.ws_closes();
        if closes.len() >= n {
            return closes;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the server recorded {:?}", server.ws_closes());
}

fn assert_string(event: &Value, field: &str) {
    assert!(event[field].is_string(), "{field} in {event}");
}

fn assert_integer(event: &Value, field: &str) {
    assert!(event[field].is_u64(), "{field} in {event}");
}

#[tokio::test(start_paused = true)]
async fn script_steps_play_in_order_then_close() {
    let server = MockServer::start().await;
    server.enqueue_ws(
        WsScript::new()
            .send(json!({"type": "first"}))
            .send_text("plain text")
            .send_binary(vec![0_u8, 1, 2])
            .expect()
            .delay(Duration::from_secs(30))
            .send_text("after the delay")
            .close(4000, "done"),
    );
    let mut ws = connect(&server, "/v1/realtime").await;
    assert_eq!(next_event(&mut ws).await, json!({"type": "first"}));
    assert_eq!(next(&mut ws).await, Message::text("plain text"));
    assert_eq!(next(&mut ws).await, Message::binary(vec![0_u8, 1, 2]));
    let before = tokio::time::Instant::now();
    send_json(&mut ws, json!({"type": "from.client"})).await;
    assert_eq!(next(&mut ws).await, Message::text("after the delay"));
    assert!(before.elapsed() >= Duration::from_secs(30));
    match next(&mut ws).await {
        Message::Close(Some(frame)) => {
            assert_eq!(u16::from(frame.code), 4000);
            assert_eq!(frame.reason.as_str(), "done");
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
    // The client answered the close; the connection then ends cleanly.
    assert!(ws.next().await.is_none());
    assert_eq!(closes(&server, 1).await, [(0, Some(4000))]);
    let messages = server.ws_messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].connection(), 0);
    assert_eq!(messages[0].json(), Some(json!({"type": "from.client"})));
    assert_eq!(server.pending(), 0);
}

#[tokio::test]
async fn expect_waits_for_client_messages_and_records_them() {
    let server = MockServer::start().await;
    server.enqueue_ws(WsScript::new().expect().expect().send_text("got both"));
    let mut ws = connect(&server, "/v1/realtime").await;
    ws.send(Message::text("one")).await.unwrap();
    ws.send(Message::binary(vec![0xff_u8, 0x00])).await.unwrap();
    assert_eq!(next(&mut ws).await, Message::text("got both"));
    // Out of steps: the connection stays open and keeps recording until the client closes.
    ws.send(Message::text(r#"{"late": true}"#)).await.unwrap();
    close(&mut ws, 1000).await;
    assert_eq!(closes(&server, 1).await, [(0, Some(1000))]);

    let messages = server.ws_messages();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0].text(), Some("one"));
    assert!(!messages[0].is_binary());
    assert_eq!(messages[0].json(), None);
    assert!(messages[1].is_binary());
    assert_eq!(messages[1].bytes(), [0xff, 0x00]);
    assert_eq!(messages[1].text(), None);
    assert_eq!(messages[2].json(), Some(json!({"late": true})));
}

#[tokio::test]
async fn drop_connection_ends_without_a_close_frame() {
    let server = MockServer::start().await;
    server.enqueue_ws(
        WsScript::new()
            .send_text("bye")
            .drop_connection()
            .send_text("never sent"),
    );
    let mut ws = connect(&server, "/v1/responses").await;
    assert_eq!(next(&mut ws).await, Message::text("bye"));
    // No close frame: tungstenite reports a reset without the closing handshake (1006).
    match ws.next().await {
        Some(Err(WsError::Protocol(_) | WsError::Io(_) | WsError::ConnectionClosed)) | None => {}
        other => panic!("expected an abnormal end, got {other:?}"),
    }
    assert_eq!(closes(&server, 1).await, [(0, None)]);
}

#[tokio::test]
async fn send_repeat_streams_many_copies() {
    let server = MockServer::start().await;
    let event = json!({"type": "response.output_text.delta", "delta": "x"});
    server.enqueue_ws(
        WsScript::new()
            .send_repeat(event.clone(), 1000)
            .close(1000, ""),
    );
    let mut ws = connect(&server, "/v1/realtime").await;
    let mut seen = 0;
    loop {
        match next(&mut ws).await {
            Message::Text(text) => {
                assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), event);
                seen += 1;
            }
            Message::Close(frame) => {
                assert_eq!(frame.map(|f| u16::from(f.code)), Some(1000));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(seen, 1000);
}

#[tokio::test]
async fn scripts_take_handshakes_in_order_and_number_connections() {
    let server = MockServer::start().await;
    server.enqueue_ws(WsScript::new().send_text("first"));
    server.enqueue_ws(WsScript::new().send_text("second"));
    let mut a = connect(&server, "/v1/realtime").await;
    let mut b = connect(&server, "/anything/at/all").await;
    assert_eq!(next(&mut a).await, Message::text("first"));
    assert_eq!(next(&mut b).await, Message::text("second"));
    b.send(Message::text("from b")).await.unwrap();
    a.send(Message::text("from a")).await.unwrap();
    close(&mut b, 1001).await;
    close(&mut a, 1000).await;
    let mut ends = closes(&server, 2).await;
    ends.sort_unstable();
    assert_eq!(ends, [(0, Some(1000)), (1, Some(1001))]);
    let mut messages: Vec<(usize, String)> = server
        .ws_messages()
        .iter()
        .map(|m| (m.connection(), m.text().unwrap().to_owned()))
        .collect();
    messages.sort();
    assert_eq!(
        messages,
        [(0, "from a".to_owned()), (1, "from b".to_owned())]
    );
}

#[tokio::test]
async fn a_queued_mock_answers_the_handshake_as_plain_http() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(401));
    server.enqueue_ws(WsScript::new().send_text("welcome"));
    match try_connect(&server, "/v1/realtime?model=gpt-realtime").await {
        Err(WsError::Http(response)) => {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(response.headers()["x-request-id"], "req_mock_1");
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(body["error"]["code"], "invalid_api_key");
        }
        Err(other) => panic!("expected an HTTP error, got {other}"),
        Ok(_) => panic!("expected the handshake to fail"),
    }
    // A plain request passes the queued script by: the built-in model answers it.
    let models = call(&client(), &server, Method::GET, "/models", None).await;
    assert_eq!(models.status, 200);
    assert_eq!(server.pending(), 1);
    // The next handshake plays the script.
    let mut ws = connect(&server, "/v1/realtime").await;
    assert_eq!(next(&mut ws).await, Message::text("welcome"));
    assert_eq!(server.pending(), 0);
}

#[tokio::test]
async fn handshakes_are_recorded_like_requests() {
    let server = MockServer::start().await;
    let mut ws = connect(&server, "/v1/realtime?model=gpt-realtime&call_id=rtc_1").await;
    next_event(&mut ws).await;
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let handshake = &requests[0];
    assert_eq!(handshake.method(), Method::GET);
    assert_eq!(handshake.path(), "/v1/realtime");
    assert_eq!(handshake.query(), Some("model=gpt-realtime&call_id=rtc_1"));
    assert_eq!(handshake.header("authorization"), Some("Bearer sk-test"));
    assert_eq!(handshake.header("upgrade"), Some("websocket"));
    assert!(handshake.header("sec-websocket-key").is_some());
}

#[tokio::test]
async fn realtime_model_answers_session_and_response_events() {
    let server = MockServer::start().await;
    let mut ws = connect(&server, "/v1/realtime?model=gpt-realtime-mini&call_id=c1").await;
    let mut ids = Vec::new();
    let mut event_id = |event: &Value| {
        assert_string(event, "event_id");
        let n: u64 = event["event_id"].as_str().unwrap()["event_".len()..]
            .parse()
            .unwrap();
        ids.push(n);
    };

    let created = next_event(&mut ws).await;
    assert_eq!(created["type"], "session.created");
    event_id(&created);
    let session = &created["session"];
    assert_eq!(session["id"], "sess_mock_1");
    assert_eq!(session["object"], "realtime.session");
    assert_eq!(session["type"], "realtime");
    assert_eq!(session["model"], "gpt-realtime-mini");

    // Ignored events get no answer; the next answer is the session update's.
    send_json(
        &mut ws,
        json!({"type": "input_audio_buffer.append", "audio": "AAAA"}),
    )
    .await;
    send_json(
        &mut ws,
        json!({"type": "conversation.item.create", "item": {}}),
    )
    .await;
    send_json(
        &mut ws,
        json!({"type": "session.update", "session": {"type": "realtime", "instructions": "Be brief."}}),
    )
    .await;
    let updated = next_event(&mut ws).await;
    assert_eq!(updated["type"], "session.updated");
    event_id(&updated);
    assert_eq!(updated["session"]["instructions"], "Be brief.");
    assert_eq!(updated["session"]["id"], "sess_mock_1");

    send_json(&mut ws, json!({"type": "response.create"})).await;
    let created = next_event(&mut ws).await;
    assert_eq!(created["type"], "response.created");
    event_id(&created);
    assert_eq!(created["response"]["object"], "realtime.response");
    assert_eq!(created["response"]["status"], "in_progress");
    let response_id = created["response"]["id"].as_str().unwrap().to_owned();
    let delta = next_event(&mut ws).await;
    assert_eq!(delta["type"], "response.output_text.delta");
    event_id(&delta);
    assert_eq!(delta["delta"], "Hello from the mock");
    assert_eq!(delta["response_id"], response_id.as_str());
    assert_string(&delta, "item_id");
    assert_integer(&delta, "output_index");
    assert_integer(&delta, "content_index");
    let done = next_event(&mut ws).await;
    assert_eq!(done["type"], "response.done");
    event_id(&done);
    assert_eq!(done["response"]["id"], response_id.as_str());
    assert_eq!(done["response"]["status"], "completed");
    let item = &done["response"]["output"][0];
    assert_eq!(item["type"], "message");
    assert_eq!(item["role"], "assistant");
    assert_eq!(item["id"], delta["item_id"]);
    assert_eq!(item["content"][0]["text"], "Hello from the mock");

    // Audio output when the response asks for it.
    send_json(
        &mut ws,
        json!({"type": "response.create", "response": {"output_modalities": ["audio"]}}),
    )
    .await;
    assert_eq!(next_event(&mut ws).await["type"], "response.created");
    let audio = next_event(&mut ws).await;
    assert_eq!(audio["type"], "response.output_audio.delta");
    event_id(&audio);
    let bytes = crate::support::decode_base64(audio["delta"].as_str().unwrap());
    assert!(!bytes.is_empty() && bytes.iter().all(|&b| b == 0));
    let done = next_event(&mut ws).await;
    assert_eq!(done["response"]["output_modalities"], json!(["audio"]));
    assert_ne!(done["response"]["id"], response_id.as_str());

    // Text that is not a JSON event is an error event; binary garbage too.
    ws.send(Message::text("{not json")).await.unwrap();
    let error = next_event(&mut ws).await;
    assert_eq!(error["type"], "error");
    event_id(&error);
    assert_eq!(error["error"]["type"], "invalid_request_error");
    assert_string(&error["error"], "message");
    ws.send(Message::binary(vec![0xff_u8; 3])).await.unwrap();
    assert_eq!(next_event(&mut ws).await["type"], "error");

    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    close(&mut ws, 1000).await;
    assert_eq!(closes(&server, 1).await, [(0, Some(1000))]);
    assert_eq!(server.ws_messages().len(), 7);
}

#[tokio::test]
async fn realtime_model_follows_session_output_modalities_and_other_paths() {
    let server = MockServer::start().await;
    for path in ["/realtime", "/openai/realtime?api-version=2025-08-28"] {
        let mut ws = connect(&server, path).await;
        let created = next_event(&mut ws).await;
        assert_eq!(created["session"]["model"], "gpt-realtime", "{path}");
        assert_eq!(created["event_id"], "event_1");
        send_json(
            &mut ws,
            json!({"type": "session.update", "session": {"type": "realtime", "output_modalities": ["audio"]}}),
        )
        .await;
        assert_eq!(next_event(&mut ws).await["type"], "session.updated");
        send_json(&mut ws, json!({"type": "response.create"})).await;
        assert_eq!(next_event(&mut ws).await["type"], "response.created");
        assert_eq!(
            next_event(&mut ws).await["type"],
            "response.output_audio.delta"
        );
        assert_eq!(next_event(&mut ws).await["type"], "response.done");
    } // Azure names the deployment: it stands for the model.
    let mut ws = connect(
        &server,
        "/openai/realtime?api-version=2025-04-01-preview&deployment=my-realtime",
    )
    .await;
    assert_eq!(next_event(&mut ws).await["session"]["model"], "my-realtime");
}

#[tokio::test]
async fn responses_model_streams_one_response_per_create() {
    let server = MockServer::start().await;
    for path in ["/v1/responses", "/responses", "/openai/v1/responses"] {
        let mut ws = connect(&server, path).await;
        send_json(
            &mut ws,
            json!({
                "type": "response.create",
                "model": "gpt-4.1",
                "input": [{"role": "user", "content": [{"type": "input_text", "text": "Say hi"}]}],
            }),
        )
        .await;
        let mut sequence = Vec::new();
        let created = next_event(&mut ws).await;
        assert_eq!(created["type"], "response.created", "{path}");
        let response = &created["response"];
        for field in [
            "id",
            "object",
            "created_at",
            "error",
            "incomplete_details",
            "instructions",
            "model",
            "tools",
            "output",
            "parallel_tool_calls",
            "metadata",
            "tool_choice",
            "temperature",
            "top_p",
        ] {
            assert!(response.get(field).is_some(), "{field} missing");
        }
        assert_eq!(response["object"], "response");
        assert_eq!(response["status"], "in_progress");
        assert_eq!(response["model"], "gpt-4.1");
        sequence.push(created["sequence_number"].as_u64().unwrap());

        let delta = next_event(&mut ws).await;
        assert_eq!(delta["type"], "response.output_text.delta");
        assert_eq!(delta["delta"], "Say hi");
        for field in ["item_id", "output_index", "content_index", "logprobs"] {
            assert!(delta.get(field).is_some(), "{field} missing");
        }
        sequence.push(delta["sequence_number"].as_u64().unwrap());
        let done = next_event(&mut ws).await;
        assert_eq!(done["type"], "response.output_text.done");
        assert_eq!(done["text"], "Say hi");
        assert_eq!(done["item_id"], delta["item_id"]);
        sequence.push(done["sequence_number"].as_u64().unwrap());
        let completed = next_event(&mut ws).await;
        assert_eq!(completed["type"], "response.completed");
        assert_eq!(completed["response"]["id"], response["id"]);
        assert_eq!(completed["response"]["status"], "completed");
        let message = &completed["response"]["output"][0];
        assert_eq!(message["type"], "message");
        assert_eq!(message["status"], "completed");
        assert_eq!(message["content"][0]["type"], "output_text");
        assert_eq!(message["content"][0]["text"], "Say hi");
        assert!(completed["response"]["usage"]["total_tokens"].is_u64());
        sequence.push(completed["sequence_number"].as_u64().unwrap());
        assert!(sequence.windows(2).all(|w| w[0] < w[1]), "{sequence:?}");

        // Other events get nothing; a string input and a stream_id are echoed.
        send_json(&mut ws, json!({"type": "response.cancel"})).await;
        send_json(
            &mut ws,
            json!({"type": "response.create", "input": "plain", "stream_id": "lane-1"}),
        )
        .await;
        let created = next_event(&mut ws).await;
        assert_eq!(created["type"], "response.created");
        assert_eq!(created["stream_id"], "lane-1");
        assert_ne!(created["response"]["id"], response["id"]);
        let delta = next_event(&mut ws).await;
        assert_eq!(delta["delta"], "plain");
        assert_eq!(delta["stream_id"], "lane-1");
        next_event(&mut ws).await;
        next_event(&mut ws).await;

        // No input text: the default reply. Invalid JSON: an error event.
        send_json(&mut ws, json!({"type": "response.create", "input": []})).await;
        next_event(&mut ws).await;
        assert_eq!(next_event(&mut ws).await["delta"], "Hello from the mock");
        next_event(&mut ws).await;
        next_event(&mut ws).await;
        ws.send(Message::text("[1, 2")).await.unwrap();
        let error = next_event(&mut ws).await;
        assert_eq!(error["type"], "error");
        assert_eq!(error["error"]["type"], "invalid_request_error");
        assert_string(&error["error"], "message");
        assert_integer(&error, "sequence_number");
        close(&mut ws, 1000).await;
    }
}

/// A GET with WebSocket upgrade headers, sent through a plain HTTP client.
fn upgrade_request(
    server: &MockServer,
    path: &str,
    version: &str,
    key: bool,
) -> Request<Full<Bytes>> {
    let mut builder = Request::get(format!("http://{}{path}", server.addr()))
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", version);
    if key {
        builder = builder.header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
    }
    builder.body(Full::default()).unwrap()
}

#[tokio::test]
async fn bad_handshakes_and_unknown_paths_are_plain_errors() {
    let server = MockServer::start().await;
    let client = client();
    let cases = [
        ("/v1/chat/completions", "13", true, 404),
        ("/v1/realtime", "12", true, 400),
        ("/v1/realtime", "13", false, 400),
    ];
    for (path, version, key, status) in cases {
        let response = client
            .request(upgrade_request(&server, path, version, key))
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{path} {version} {key}");
        assert_eq!(response.headers()["content-type"], "application/json");
    }
    // A queued script is not taken by a bad handshake.
    server.enqueue_ws(WsScript::new());
    let response = client
        .request(upgrade_request(&server, "/v1/realtime", "12", true))
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(server.pending(), 1);
    match try_connect(&server, "/v1/unknown").await {
        // The script takes a handshake to any path.
        Ok(mut ws) => close(&mut ws, 1000).await,
        Err(e) => panic!("the script should have answered: {e}"),
    }
    match try_connect(&server, "/v1/unknown").await {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 404),
        other => panic!("expected a 404, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn dropping_the_server_ends_open_connections() {
    let server = MockServer::start().await;
    server.enqueue_ws(WsScript::new());
    let mut ws = connect(&server, "/v1/realtime").await;
    ws.send(Message::text("hello")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(server.ws_messages().len(), 1);
    drop(server);
    let end = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .expect("the connection should end");
    assert!(!matches!(end, Some(Ok(Message::Text(_)))), "{end:?}");
}

/// The example of docs/testing-with-openai-mock.md: a script, then the built-in model.
#[tokio::test]
async fn reconnects_after_a_dropped_connection() {
    let server = MockServer::start().await;
    server.enqueue_ws(WsScript::new().expect().drop_connection());
    // The second handshake gets the built-in Realtime model.

    let addr = server.addr();
    let connect = || async move {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let url = format!("ws://{addr}/v1/realtime?model=gpt-realtime");
        tokio_tungstenite::client_async(url, stream)
            .await
            .unwrap()
            .0
    };
    let mut ws = connect().await;
    ws.send(Message::text(
        json!({"type": "response.create"}).to_string(),
    ))
    .await
    .unwrap();
    assert!(!matches!(ws.next().await, Some(Ok(Message::Close(_))))); // dropped: 1006

    let mut ws = connect().await;
    let Some(Ok(Message::Text(event))) = ws.next().await else {
        panic!()
    };
    assert!(event.contains("session.created"));

    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        server.ws_messages()[0].json().unwrap()["type"],
        "response.create"
    );
}
