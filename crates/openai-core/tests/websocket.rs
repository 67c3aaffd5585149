//! Realtime and Responses WebSocket connections (issue 14, first slice):
//! the handshake (URL, query, credential, headers), typed events both ways,
//! unknown events kept, normal and abnormal closes, a refused handshake.
//! The server is tokio-tungstenite's, on 127.0.0.1, scripted per test.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use openai_core::websocket::WebSocketClosed;
use openai_core::{Client, Error};
use openai_types::realtime::RealtimeServerEvent;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// What the server saw of the handshake: the request line's URI and headers.
#[derive(Debug, Clone, Default)]
struct Handshake {
    uri: String,
    headers: Vec<(String, String)>,
}

impl Handshake {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A step of the server's script.
enum Step {
    Send(Value),
    SendText(&'static str),
    Expect,
    Close(u16),
    Drop,
}

/// A WebSocket server that plays `script` on the first connection; returns
/// its `http://` base URL, what it saw of the handshake, and the client's
/// messages.
async fn server(script: Vec<Step>) -> (String, Arc<Mutex<Handshake>>, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Handshake::default()));
    let messages = Arc::new(Mutex::new(Vec::new()));
    let (record, received) = (seen.clone(), messages.clone());
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        #[allow(
            clippy::result_large_err,
            reason = "tungstenite's callback type, not ours"
        )]
        let callback = move |req: &Request, resp: Response| {
            let mut seen = record.lock().unwrap();
            seen.uri = req.uri().to_string();
            seen.headers = req
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                .collect();
            Ok(resp)
        };
        let mut ws = tokio_tungstenite::accept_hdr_async(tcp, callback)
            .await
            .unwrap();
        for step in script {
            match step {
                Step::Send(event) => ws.send(Message::text(event.to_string())).await.unwrap(),
                Step::SendText(text) => ws.send(Message::text(text)).await.unwrap(),
                Step::Expect => {
                    if let Some(Ok(message)) = ws.next().await {
                        received
                            .lock()
                            .unwrap()
                            .push(message.into_text().unwrap().to_string());
                    }
                }
                Step::Close(code) => {
                    let frame = CloseFrame {
                        code: CloseCode::from(code),
                        reason: "scripted".into(),
                    };
                    let _ = ws.close(Some(frame)).await;
                    // Let the client answer the close.
                    while let Some(Ok(_)) = ws.next().await {}
                    return;
                }
                Step::Drop => return,
            }
        }
        // Out of steps: keep reading until the client closes.
        while let Some(Ok(message)) = ws.next().await {
            if let Ok(text) = message.into_text() {
                if !text.is_empty() {
                    received.lock().unwrap().push(text.to_string());
                }
            }
        }
    });
    (base, seen, messages)
}

fn client(base: &str) -> Client {
    Client::builder()
        .api_key("sk-ws-test")
        .base_url(base)
        .max_retries(0)
        .build()
        .unwrap()
}

fn session_created() -> Value {
    json!({"type": "session.created", "event_id": "event_1",
        "session": {"type": "realtime", "object": "realtime.session", "id": "sess_1", "model": "gpt-realtime"}})
}

fn closed_code(err: &Error) -> Option<u16> {
    openai_transport::error::find_source::<WebSocketClosed>(err).map(WebSocketClosed::code)
}

#[tokio::test]
async fn realtime_connects_with_the_clients_credential_and_exchanges_typed_events() {
    let (base, seen, messages) = server(vec![
        Step::Send(session_created()),
        Step::Expect,
        Step::Send(json!({"type": "response.created", "event_id": "event_2",
            "response": {"id": "resp_1", "object": "realtime.response", "status": "in_progress"}})),
        Step::Close(1000),
    ])
    .await;
    let client = client(&base);
    let mut connection = client
        .realtime()
        .connect()
        .model("gpt-realtime")
        .query("x-extra", "1")
        .header("x-custom", "yes")
        .await
        .unwrap();

    let first = connection.next().await.unwrap().unwrap();
    let value = serde_json::to_value(&first).unwrap();
    assert_eq!(value["type"], "session.created");
    assert_eq!(value["session"]["id"], "sess_1");

    let create: openai_core::types::realtime::RealtimeClientEvent =
        serde_json::from_value(json!({"type": "response.create"})).unwrap();
    connection.send(&create).await.unwrap();
    let second = connection.recv().await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&second).unwrap()["type"],
        "response.created"
    );
    assert!(
        connection.next().await.is_none(),
        "a normal close ends the stream"
    );
    assert!(connection.is_closed() && connection.close_error().is_none());

    let handshake = seen.lock().unwrap().clone();
    assert!(
        handshake.uri.starts_with("/v1/realtime?"),
        "{}",
        handshake.uri
    );
    assert!(
        handshake.uri.contains("model=gpt-realtime"),
        "{}",
        handshake.uri
    );
    assert!(handshake.uri.contains("x-extra=1"), "{}", handshake.uri);
    assert_eq!(handshake.header("authorization"), Some("Bearer sk-ws-test"));
    assert_eq!(handshake.header("x-custom"), Some("yes"));
    assert!(
        handshake
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("OpenAI/Rust"))
    );
    assert_eq!(handshake.header("openai-beta"), None);
    let sent: Vec<Value> = messages
        .lock()
        .unwrap()
        .iter()
        .map(|m| serde_json::from_str(m).unwrap())
        .collect();
    assert_eq!(sent, [json!({"type": "response.create"})]);
}

#[tokio::test]
async fn the_beta_connection_sends_openai_beta() {
    let (base, seen, _) = server(vec![Step::Send(session_created()), Step::Close(1000)]).await;
    let client = client(&base);
    let mut connection = client.beta().realtime().connect().model("m").await.unwrap();
    while connection.next().await.is_some() {}
    assert_eq!(
        seen.lock().unwrap().header("openai-beta"),
        Some("realtime=v1")
    );
}

#[tokio::test]
async fn unknown_events_are_kept_and_bad_frames_are_decode_errors() {
    let (base, _, _) = server(vec![
        Step::Send(json!({"type": "brand.new.event", "event_id": "e9", "payload": {"x": 1}})),
        Step::SendText("this is not json"),
        // The tag last, after an unknown field that holds a tag of its own.
        Step::SendText(
            r#"{"event_id":"e1","zz":{"type":"x"},"response_id":"r","item_id":"i",
                "output_index":0,"content_index":0,"delta":"Hi","type":"response.output_text.delta"}"#,
        ),
        // A known tag with a payload that does not fit.
        Step::SendText(r#"{"type":"response.output_text.delta","delta":5}"#),
        Step::Send(session_created()),
        Step::Close(1000),
    ])
    .await;
    let client = client(&base);
    let mut connection = client.realtime().connect().await.unwrap();
    let unknown = connection.next().await.unwrap().unwrap();
    assert!(
        matches!(unknown, RealtimeServerEvent::Unknown(_)),
        "{unknown:?}"
    );
    assert_eq!(serde_json::to_value(&unknown).unwrap()["payload"]["x"], 1);
    let bad = connection.next().await.unwrap().unwrap_err();
    assert!(matches!(bad, Error::Decode(_)), "{bad:?}");
    match connection.next().await.unwrap().unwrap() {
        RealtimeServerEvent::ResponseOutputTextDelta(delta) => {
            assert_eq!(
                (delta.delta.as_str(), delta.event_id.as_str()),
                ("Hi", "e1")
            );
            assert_eq!(delta.extra_fields().get("zz"), Some(&json!({"type": "x"})));
        }
        other => panic!("not a text delta: {other:?}"),
    }
    let bad = connection.next().await.unwrap().unwrap_err();
    assert!(matches!(bad, Error::Decode(_)), "{bad:?}");
    // The connection goes on after a bad frame.
    let next = connection.next().await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&next).unwrap()["type"],
        "session.created"
    );
}

#[tokio::test]
async fn abnormal_closes_and_drops_are_connection_errors_with_the_code() {
    for (last, code) in [(Step::Close(1011), 1011), (Step::Drop, 1006)] {
        let (base, _, _) = server(vec![Step::Send(session_created()), last]).await;
        let client = client(&base);
        let mut connection = client.realtime().connect().await.unwrap();
        connection.next().await.unwrap().unwrap();
        let err = connection.next().await.unwrap().unwrap_err();
        assert!(err.is_connection(), "{err:?}");
        assert_eq!(closed_code(&err), Some(code), "{err:?}");
        assert_eq!(
            connection.close_error().map(WebSocketClosed::code),
            Some(code)
        );
        // Ended: the same error again, never a hang.
        let again = connection.next().await.unwrap().unwrap_err();
        assert_eq!(closed_code(&again), Some(code));
    }
}

#[tokio::test]
async fn a_refused_handshake_is_the_api_error() {
    let server = openai_mock::MockServer::start().await;
    server.enqueue(openai_mock::Mock::error(401));
    let client = client(&server.url());
    let err = client.realtime().connect().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
}

#[tokio::test]
async fn responses_connect_and_websocket_base_url() {
    let (base, seen, messages) = server(vec![
        Step::Expect,
        Step::Send(json!({"type": "response.created", "sequence_number": 0,
            "response": {"id": "resp_1", "object": "response", "created_at": 1, "status": "in_progress",
                "model": "gpt-4o", "output": [], "parallel_tool_calls": true, "tool_choice": "auto", "tools": []}})),
        Step::Close(1000),
    ])
    .await;
    // The HTTP base goes nowhere; the WebSocket base is the server.
    let ws_base = base.replace("http://", "ws://");
    let client = Client::builder()
        .api_key("sk-ws-test")
        .base_url("http://127.0.0.1:9/v1")
        .websocket_base_url(ws_base)
        .max_retries(0)
        .build()
        .unwrap();
    let mut connection = client.responses().connect().await.unwrap();
    connection
        .send_raw(json!({"type": "response.create", "model": "gpt-4o", "input": "hi"}).to_string())
        .await
        .unwrap();
    let event = connection.next().await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&event).unwrap()["type"],
        "response.created"
    );
    assert!(connection.next().await.is_none());
    assert!(seen.lock().unwrap().uri.starts_with("/v1/responses"));
    assert_eq!(messages.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn close_sends_the_code() {
    let (base, _, _) = server(vec![Step::Send(session_created())]).await;
    let client = client(&base);
    let mut connection = client.realtime().connect().await.unwrap();
    connection.next().await.unwrap().unwrap();
    connection.close(1000, "bye").await.unwrap();
}

#[tokio::test]
async fn against_the_mocks_built_in_models() {
    use openai_core::types::realtime::RealtimeServerEvent;
    use openai_core::types::responses::ResponsesServerEvent;
    let server = openai_mock::MockServer::start().await;
    let client = client(&server.url());

    let mut realtime = client
        .realtime()
        .connect()
        .model("gpt-realtime")
        .await
        .unwrap();
    let created = realtime.next().await.unwrap().unwrap();
    assert!(
        matches!(created, RealtimeServerEvent::SessionCreated(_)),
        "{created:?}"
    );
    realtime
        .send_raw(json!({"type": "response.create"}).to_string())
        .await
        .unwrap();
    let mut kinds = Vec::new();
    while let Some(event) = realtime.next().await {
        let event = event.unwrap();
        let done = matches!(event, RealtimeServerEvent::ResponseDone(_));
        kinds.push(serde_json::to_value(&event).unwrap()["type"].clone());
        if done {
            break;
        }
    }
    assert_eq!(kinds.first(), Some(&json!("response.created")), "{kinds:?}");
    realtime.close(1000, "").await.unwrap();

    let mut responses = client.responses().connect().await.unwrap();
    responses
        .send_raw(
            json!({"type": "response.create", "model": "gpt-4o", "input": "echo me"}).to_string(),
        )
        .await
        .unwrap();
    let mut text = String::new();
    while let Some(event) = responses.next().await {
        match event.unwrap() {
            ResponsesServerEvent::ResponseOutputTextDelta(delta) => text.push_str(&delta.delta),
            ResponsesServerEvent::ResponseCompleted(_) => break,
            _ => {}
        }
    }
    assert_eq!(text, "echo me");
    responses.close(1000, "").await.unwrap();

    let handshakes: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(handshakes, ["/v1/realtime", "/v1/responses"]);
    assert_eq!(server.ws_messages().len(), 2);
}

// ===== reconnection (helpers.md (e)) =====

use openai_core::websocket::{Reconnect, ReconnectDecision, WebSocketQueueFull};
use openai_mock::WsScript;

fn session(n: u32) -> Value {
    json!({"type": "session.created", "event_id": format!("event_{n}"),
        "session": {"type": "realtime", "object": "realtime.session", "id": format!("sess_{n}"), "model": "gpt-realtime"}})
}

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_reconnects_and_flushes_what_was_sent_meanwhile() {
    let server = openai_mock::MockServer::start().await;
    server.enqueue_ws(WsScript::new().send(session(1)).drop_connection());
    server.enqueue_ws(
        WsScript::new()
            .send(session(2))
            .expect()
            .close(1000, "done"),
    );
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let seen = attempts.clone();
    let client = client(&server.url());
    let mut connection = client
        .realtime()
        .connect()
        .model("gpt-realtime")
        .reconnect(Reconnect::new().on_reconnecting(move |attempt| {
            seen.lock()
                .unwrap()
                .push((attempt.attempt(), attempt.close_code(), attempt.delay()));
            let mut query = attempt.query().to_vec();
            query.push(("resumed".into(), "1".into()));
            ReconnectDecision::Replace {
                query,
                headers: attempt.headers().clone(),
            }
        }))
        .await
        .unwrap();
    let first = connection.next().await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&first).unwrap()["session"]["id"],
        "sess_1"
    );
    // The next read sees the drop and starts reconnecting (waiting its delay).
    let pending = tokio::time::timeout(Duration::from_millis(10), connection.next()).await;
    assert!(pending.is_err(), "reconnecting, not ended");
    // Sent while reconnecting: queued, then sent first on the new connection.
    connection
        .send_raw(json!({"type": "response.create"}).to_string())
        .await
        .unwrap();
    let second = connection.next().await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&second).unwrap()["session"]["id"],
        "sess_2"
    );
    assert!(connection.next().await.is_none(), "a normal close ends it");

    let attempts = attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 1);
    assert_eq!((attempts[0].0, attempts[0].1), (1, 1006));
    let delay = attempts[0].2;
    assert!(
        delay >= Duration::from_millis(375) && delay <= Duration::from_millis(500),
        "{delay:?}"
    );
    let handshakes = server.requests();
    assert_eq!(handshakes.len(), 2);
    assert_eq!(
        handshakes[1].query().unwrap_or(""),
        "model=gpt-realtime&resumed=1"
    );
    assert_eq!(
        handshakes[1].header("authorization"),
        Some("Bearer sk-ws-test")
    );
    let sent: Vec<(usize, Option<String>)> = server
        .ws_messages()
        .iter()
        .map(|m| (m.connection(), m.text().map(str::to_owned)))
        .collect();
    assert_eq!(
        sent,
        [(1, Some(json!({"type": "response.create"}).to_string()))]
    );
}

#[tokio::test(start_paused = true)]
async fn messages_sent_while_reconnecting_wait_and_a_full_queue_refuses_more() {
    let server = openai_mock::MockServer::start().await;
    server.enqueue_ws(WsScript::new().send(session(1)).close(1011, "restart"));
    // Every reconnection attempt is refused.
    for _ in 0..2 {
        server.enqueue(openai_mock::Mock::error(503));
    }
    let client = client(&server.url());
    let mut connection = client
        .realtime()
        .connect()
        .reconnect(Reconnect::new().max_retries(2).max_queue_size(40))
        .await
        .unwrap();
    connection.next().await.unwrap().unwrap();
    // Polling the stream sees the close and starts reconnecting; the first
    // attempt waits its delay, so the poll returns pending.
    let pending = tokio::time::timeout(Duration::from_millis(10), connection.next()).await;
    assert!(pending.is_err(), "reconnecting, not ended");
    connection.send_raw("{\"type\":\"a\"}").await.unwrap();
    connection.send_raw("{\"type\":\"b\"}").await.unwrap();
    let full = connection
        .send_raw("{\"type\":\"this one is too long\"}")
        .await
        .unwrap_err();
    assert!(
        openai_transport::error::find_source::<WebSocketQueueFull>(&full).is_some(),
        "{full:?}"
    );
    let err = connection.next().await.unwrap().unwrap_err();
    let closed = openai_transport::error::find_source::<WebSocketClosed>(&err).unwrap();
    assert_eq!(closed.code(), 1011);
    assert_eq!(closed.unsent(), ["{\"type\":\"a\"}", "{\"type\":\"b\"}"]);
    assert_eq!(server.requests().len(), 3, "the handshake and two attempts");
}

#[tokio::test(start_paused = true)]
async fn the_hook_can_abort_and_other_codes_do_not_reconnect() {
    for (script, aborted) in [
        (WsScript::new().send(session(1)).drop_connection(), true),
        (
            WsScript::new().send(session(1)).close(4000, "app error"),
            false,
        ),
    ] {
        let server = openai_mock::MockServer::start().await;
        server.enqueue_ws(script);
        let calls = Arc::new(Mutex::new(0));
        let counted = calls.clone();
        let client = client(&server.url());
        let mut connection = client
            .realtime()
            .connect()
            .reconnect(Reconnect::new().on_reconnecting(move |_| {
                *counted.lock().unwrap() += 1;
                ReconnectDecision::Abort
            }))
            .await
            .unwrap();
        connection.next().await.unwrap().unwrap();
        let err = connection.next().await.unwrap().unwrap_err();
        let code = closed_code(&err).unwrap();
        assert_eq!(code, if aborted { 1006 } else { 4000 });
        assert_eq!(*calls.lock().unwrap(), usize::from(aborted));
        assert_eq!(server.requests().len(), 1);
    }
}

// ===== typed shortcuts (helpers.md (e)) =====

/// Every Realtime shortcut sends its event: the `type`, the required fields
/// as arguments, the optional ones from the `SendEvent`'s setters, nothing
/// else.
#[tokio::test]
async fn each_realtime_shortcut_sends_its_event() {
    use openai_core::types::realtime::{
        RealtimeClientEventSessionUpdateSession, RealtimeConversationItem,
    };
    let server = openai_mock::MockServer::start().await;
    let mut script = WsScript::new().send(session(1));
    for _ in 0..12 {
        script = script.expect();
    }
    server.enqueue_ws(script.close(1000, ""));
    let client = client(&server.url());
    let mut connection = client.realtime().connect().await.unwrap();

    let session: RealtimeClientEventSessionUpdateSession =
        serde_json::from_value(json!({"type": "realtime", "instructions": "be brief"})).unwrap();
    connection.session().update(session).await.unwrap();
    connection
        .response()
        .create()
        .event_id("e-create")
        .await
        .unwrap();
    connection
        .response()
        .cancel()
        .response_id("resp_1")
        .await
        .unwrap();
    connection
        .input_audio_buffer()
        .append_audio(&[0, 1, 2, 255])
        .await
        .unwrap();
    connection
        .input_audio_buffer()
        .append("AAEC/w==")
        .await
        .unwrap();
    connection.input_audio_buffer().commit().await.unwrap();
    connection.input_audio_buffer().clear().await.unwrap();
    connection.output_audio_buffer().clear().await.unwrap();
    let item: RealtimeConversationItem = serde_json::from_value(json!({
        "type": "message", "role": "user",
        "content": [{"type": "input_text", "text": "hi"}]
    }))
    .unwrap();
    let create = connection
        .conversation()
        .item()
        .create(item)
        .previous_item_id("item_0");
    assert_eq!(create.event().r#type, "conversation.item.create");
    create.await.unwrap();
    connection
        .conversation()
        .item()
        .delete("item_1")
        .await
        .unwrap();
    connection
        .conversation()
        .item()
        .retrieve("item_2")
        .map(|event| event.event_id("e-retrieve"))
        .await
        .unwrap();
    connection
        .conversation()
        .item()
        .truncate("item_3", 0, 1500)
        .await
        .unwrap();
    // The script closes normally once it has read all twelve.
    while let Some(event) = connection.next().await {
        event.unwrap();
    }

    let sent: Vec<Value> = server
        .ws_messages()
        .iter()
        .map(|m| m.json().expect("a JSON event"))
        .collect();
    assert_eq!(
        sent,
        [
            json!({"type": "session.update", "session": {"type": "realtime", "instructions": "be brief"}}),
            json!({"type": "response.create", "event_id": "e-create"}),
            json!({"type": "response.cancel", "response_id": "resp_1"}),
            json!({"type": "input_audio_buffer.append", "audio": "AAEC/w=="}),
            json!({"type": "input_audio_buffer.append", "audio": "AAEC/w=="}),
            json!({"type": "input_audio_buffer.commit"}),
            json!({"type": "input_audio_buffer.clear"}),
            json!({"type": "output_audio_buffer.clear"}),
            json!({"type": "conversation.item.create", "previous_item_id": "item_0",
                "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}}),
            json!({"type": "conversation.item.delete", "item_id": "item_1"}),
            json!({"type": "conversation.item.retrieve", "item_id": "item_2", "event_id": "e-retrieve"}),
            json!({"type": "conversation.item.truncate", "item_id": "item_3", "content_index": 0, "audio_end_ms": 1500}),
        ]
    );
}

/// A shortcut on a closed connection fails like `send`; audio deltas from
/// the mock's built-in model decode to the bytes it sent.
#[tokio::test]
async fn shortcuts_on_a_closed_connection_fail_and_audio_deltas_decode() {
    use openai_core::types::realtime::RealtimeServerEvent;
    let server = openai_mock::MockServer::start().await;
    let client = client(&server.url());
    let mut connection = client.realtime().connect().await.unwrap();
    let created = connection.next().await.unwrap().unwrap();
    assert!(matches!(created, RealtimeServerEvent::SessionCreated(_)));
    connection
        .response()
        .create()
        .map(|event| {
            let params: openai_core::types::realtime::RealtimeResponseCreateParams =
                serde_json::from_value(json!({"output_modalities": ["audio"]})).unwrap();
            event.response(params)
        })
        .await
        .unwrap();
    let mut audio = Vec::new();
    while let Some(event) = connection.next().await {
        match event.unwrap() {
            RealtimeServerEvent::ResponseOutputAudioDelta(delta) => {
                let added = delta.decode_audio_into(&mut audio).unwrap();
                assert!(added > 0);
            }
            RealtimeServerEvent::ResponseDone(_) => break,
            _ => {}
        }
    }
    assert!(!audio.is_empty(), "the mock sends audio when asked");
    assert!(audio.iter().all(|&b| b == 0), "silence");

    let server = openai_mock::MockServer::start().await;
    server.enqueue_ws(WsScript::new().close(1000, ""));
    let client = self::client(&server.url());
    let mut connection = client.realtime().connect().await.unwrap();
    assert!(connection.next().await.is_none());
    let session = openai_core::types::realtime::RealtimeClientEventSessionUpdateSession::default();
    let err = connection.session().update(session).await.unwrap_err();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
}

/// Responses WebSocket mode: `response().create()` with the create
/// fields as setters.
#[tokio::test]
async fn the_responses_shortcut_creates_a_response() {
    use openai_core::types::responses::ResponsesServerEvent;
    let server = openai_mock::MockServer::start().await;
    let client = client(&server.url());
    let mut connection = client.responses().connect().await.unwrap();
    connection
        .response()
        .create()
        .model("gpt-4o")
        .input("echo me")
        .await
        .unwrap();
    let mut text = String::new();
    while let Some(event) = connection.next().await {
        match event.unwrap() {
            ResponsesServerEvent::ResponseOutputTextDelta(delta) => text.push_str(&delta.delta),
            ResponsesServerEvent::ResponseCompleted(_) => break,
            _ => {}
        }
    }
    assert_eq!(text, "echo me");
    let sent = server.ws_messages()[0].json().unwrap();
    assert_eq!(
        sent,
        json!({"type": "response.create", "model": "gpt-4o", "input": "echo me"})
    );
}

/// Responses WebSocket mode has the SSE stream's accumulation: the
/// connection's `final_response()`, and `ResponseStreamState` fed with the
/// WebSocket events.
#[tokio::test]
async fn responses_events_accumulate_as_the_sse_streams_do() {
    use openai_core::helpers::ResponseStreamState;
    use openai_core::types::responses::ResponsesServerEvent;

    let server = openai_mock::MockServer::start().await;
    let client = client(&server.url());
    let mut connection = client.responses().connect().await.unwrap();
    connection
        .response()
        .create()
        .model("gpt-4o")
        .input("echo me")
        .await
        .unwrap();
    let response = connection.final_response().await.unwrap();
    assert_eq!(
        response.status.as_ref().map(|s| s.as_str()),
        Some("completed")
    );
    assert!(
        serde_json::to_string(&response)
            .unwrap()
            .contains("echo me")
    );

    // Scripted: the events that build a message, then an error event.
    let response_json = |status: &str| {
        json!({"id": "resp_1", "object": "response", "created_at": 1, "status": status,
            "model": "gpt-4o", "output": [], "parallel_tool_calls": true, "tool_choice": "auto", "tools": []})
    };
    server.enqueue_ws(
        WsScript::new()
            .expect()
            .send(json!({"type": "response.created", "sequence_number": 0, "response": response_json("in_progress")}))
            .send(json!({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
                "item": {"type": "message", "id": "msg_1", "role": "assistant", "status": "in_progress", "content": []}}))
            .send(json!({"type": "response.content_part.added", "sequence_number": 2, "item_id": "msg_1",
                "output_index": 0, "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}}))
            .send(json!({"type": "response.output_text.delta", "sequence_number": 3, "item_id": "msg_1",
                "output_index": 0, "content_index": 0, "delta": "Hel", "logprobs": []}))
            .send(json!({"type": "response.output_text.delta", "sequence_number": 4, "item_id": "msg_1",
                "output_index": 0, "content_index": 0, "delta": "lo", "logprobs": []}))
            .send(json!({"type": "error", "error": {"type": "server_error", "code": "overloaded", "message": "try later"}})),
    );
    let mut connection = client.responses().connect().await.unwrap();
    connection
        .response()
        .create()
        .model("gpt-4o")
        .await
        .unwrap();
    let mut state = ResponseStreamState::new();
    for _ in 0..5 {
        let event = connection.next().await.unwrap().unwrap();
        state.handle_websocket_event(&event).unwrap();
    }
    assert_eq!(state.output_text(0, 0), Some("Hello"));
    assert!(state.completed().is_none());
    let error = connection.next().await.unwrap().unwrap();
    assert!(matches!(error, ResponsesServerEvent::Error(_)), "{error:?}");

    // `final_response` turns an `error` event into the API error.
    server.enqueue_ws(
        WsScript::new()
            .expect()
            .send(json!({"type": "response.created", "sequence_number": 0, "response": response_json("in_progress")}))
            .send(json!({"type": "error", "error": {"type": "server_error", "code": "overloaded", "message": "try later"}})),
    );
    let mut connection = client.responses().connect().await.unwrap();
    connection
        .response()
        .create()
        .model("gpt-4o")
        .await
        .unwrap();
    let err = connection.final_response().await.unwrap_err();
    match err {
        Error::Api(api) => assert!(api.to_string().contains("try later"), "{api}"),
        other => panic!("not an API error: {other:?}"),
    }
}
