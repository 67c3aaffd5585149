//! WebSocket endpoints: scripted connections ([`WsScript`]), the messages clients sent
//! ([`WsMessage`]), and the built-in Realtime and Responses WebSocket models.
//!
//! A WebSocket handshake is an HTTP request like any other: it is recorded in
//! [`MockServer::requests`](crate::MockServer::requests) and answered from the same queue.
//! Each request takes the earliest queued entry that can answer it: a [`Mock`](crate::Mock)
//! answers any request (a handshake included, as a plain HTTP response, so a test can make
//! the handshake fail with a 401), a [`WsScript`] answers only a WebSocket handshake (plain
//! requests skip it and leave it queued). With nothing queued that fits, path mocks and the
//! default mock answer as plain HTTP, then the built-in models below accept the upgrade:
//!
//! - `GET /v1/realtime` (also `/realtime`, `/openai/realtime`, with any query such as
//!   `?model=...` or `?call_id=...`): sends `session.created` (its `model` is the `model`
//!   query parameter, else Azure's `deployment`, else `gpt-realtime`), then answers
//!   `session.update` with `session.updated`, `response.create` with `response.created`, one
//!   `response.output_text.delta` (`"Hello from the mock"`; a `response.output_audio.delta`
//!   of silence when the response or session asks for `["audio"]` output) and
//!   `response.done`; text that is not a JSON event with a `type` gets an `error` event,
//!   other events get nothing;
//! - `GET /v1/responses` (also `/responses`, `/openai/v1/responses`): Responses WebSocket
//!   mode; each `response.create` gets `response.created`, `response.output_text.delta`
//!   (the last user input text, or `"Hello from the mock"`), `response.output_text.done`
//!   and `response.completed`, echoing the event's `stream_id` when it has one;
//! - any other path: a 404 error, no upgrade. A request with `Upgrade: websocket` that is
//!   not a valid handshake (not a `GET`, no `Sec-WebSocket-Key`, or a
//!   `Sec-WebSocket-Version` other than 13) gets a 400 where an upgrade would have been.
//!
//! Every message a client sends is recorded in
//! [`MockServer::ws_messages`](crate::MockServer::ws_messages), and the close code of each
//! connection in [`MockServer::ws_closes`](crate::MockServer::ws_closes).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::chat;

/// The text the built-in models answer with when they have nothing better.
pub(crate) const HELLO: &str = "Hello from the mock";

/// The model of a Realtime session when the handshake names none.
pub(crate) const REALTIME_MODEL: &str = "gpt-realtime";

/// How many messages [`WsScript::send_repeat`] writes between two flushes.
const REPEAT_FLUSH: usize = 64;

/// A script of steps the server plays, in order, on one WebSocket connection.
///
/// Queue it with [`MockServer::enqueue_ws`](crate::MockServer::enqueue_ws): the next
/// WebSocket handshake takes it. A script that runs out of steps without
/// [`close`](WsScript::close) or [`drop_connection`](WsScript::drop_connection) keeps the
/// connection open, recording what the client sends, until the client closes it (the
/// server answers its close frame) or the server is dropped.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use openai_mock::WsScript;
/// use serde_json::json;
///
/// let script = WsScript::new()
///     .send(json!({"type": "session.created", "event_id": "event_1", "session": {}}))
///     .expect()
///     .delay(Duration::from_millis(10))
///     .send_text("not JSON")
///     .close(1011, "server error");
/// # let _ = script;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a WsScript does nothing until it is enqueued"]
pub struct WsScript {
    steps: Vec<Step>,
}

#[derive(Debug, Clone)]
enum Step {
    Send(Message),
    Repeat(Message, usize),
    Expect,
    Delay(Duration),
    Close(u16, String),
    Drop,
}

impl WsScript {
    /// An empty script: the connection stays open, recording what the client sends, until
    /// the client closes it.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `event` as a text frame holding its JSON.
    pub fn send(self, event: Value) -> Self {
        self.send_text(event.to_string())
    }

    /// Sends a text frame.
    pub fn send_text(mut self, text: impl Into<String>) -> Self {
        self.steps.push(Step::Send(Message::text(text.into())));
        self
    }

    /// Sends a binary frame.
    pub fn send_binary(mut self, bytes: impl Into<Bytes>) -> Self {
        self.steps.push(Step::Send(Message::Binary(bytes.into())));
        self
    }

    /// Sends `n` text frames holding the JSON of `event`, as fast as the client reads them
    /// (the frame is built once, not `n` times). For benchmarks.
    pub fn send_repeat(mut self, event: Value, n: usize) -> Self {
        self.steps
            .push(Step::Repeat(Message::text(event.to_string()), n));
        self
    }

    /// Waits for one text or binary message from the client (and records it, as every
    /// message is). If the client closes the connection instead, the script ends there.
    pub fn expect(mut self) -> Self {
        self.steps.push(Step::Expect);
        self
    }

    /// Waits for `delay` (a `tokio::time::sleep`, so a paused clock skips it).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.steps.push(Step::Delay(delay));
        self
    }

    /// Sends a close frame with `code` and `reason`, waits for the client's answer
    /// (recording what it sends until then), and ends the connection. Steps after it are
    /// not played.
    pub fn close(mut self, code: u16, reason: &str) -> Self {
        self.steps.push(Step::Close(code, reason.to_owned()));
        self
    }

    /// Ends the TCP connection at once, without a close frame: the client sees an
    /// abnormal closure (code 1006). Steps after it are not played.
    pub fn drop_connection(mut self) -> Self {
        self.steps.push(Step::Drop);
        self
    }
}

/// One message a client sent over a WebSocket connection, recorded by the server.
///
/// Read them with [`MockServer::ws_messages`](crate::MockServer::ws_messages).
#[derive(Clone, PartialEq, Eq)]
pub struct WsMessage {
    connection: usize,
    data: Bytes,
    binary: bool,
}

impl WsMessage {
    /// The connection the message came on: 0 for the server's first WebSocket connection,
    /// 1 for the next, and so on.
    pub fn connection(&self) -> usize {
        self.connection
    }

    /// The text of a text message; `None` for a binary one.
    pub fn text(&self) -> Option<&str> {
        if self.binary {
            None
        } else {
            std::str::from_utf8(&self.data).ok()
        }
    }

    /// The text message parsed as JSON; `None` for a binary message or text that is not
    /// JSON.
    pub fn json(&self) -> Option<Value> {
        self.text().and_then(|text| serde_json::from_str(text).ok())
    }

    /// The payload: the UTF-8 bytes of a text message, or the bytes of a binary one.
    pub fn bytes(&self) -> &[u8] {
        &self.data
    }

    /// Whether the client sent a binary frame (rather than a text frame).
    pub fn is_binary(&self) -> bool {
        self.binary
    }
}

impl fmt::Debug for WsMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("WsMessage");
        debug.field("connection", &self.connection);
        match self.text() {
            Some(text) => debug.field("text", &text),
            None => debug.field("bytes", &self.data.len()),
        };
        debug.finish()
    }
}

/// Where a connection records what its client sends.
pub(crate) trait WsLog: Send + Sync {
    /// A text or binary message arrived.
    fn message(&self, message: WsMessage);
    /// The connection ended; `code` is the code of the client's close frame, if it sent one.
    fn closed(&self, connection: usize, code: Option<u16>);
}

/// What plays on an upgraded connection.
#[derive(Debug)]
pub(crate) enum Play {
    Script(WsScript),
    Realtime { model: String },
    Responses,
}

/// The built-in model for a WebSocket handshake to `route` with `query`, or `None` when
/// the path has no WebSocket endpoint.
pub(crate) fn builtin(route: &str, query: Option<&str>) -> Option<Play> {
    match route {
        "/realtime" => {
            // Azure names the deployment instead of the model.
            let model = query
                .and_then(|q| query_param(q, "model").or_else(|| query_param(q, "deployment")))
                .unwrap_or_else(|| REALTIME_MODEL.to_owned());
            Some(Play::Realtime { model })
        }
        "/responses" => Some(Play::Responses),
        _ => None,
    }
}

/// The first value of `name` in a query string, percent-decoded (`+` as a space).
fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| percent_decode(value))
    })
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match bytes[i] {
            b'+' => Some((b' ', 1)),
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                // Two hex digits make at most 255.
                (Some(high), Some(low)) => u8::try_from(high * 16 + low).ok().map(|b| (b, 3)),
                _ => None,
            },
            _ => None,
        };
        let (byte, len) = decoded.unwrap_or((bytes[i], 1));
        out.push(byte);
        i += len;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why a connection stopped early: the client went away or broke the protocol.
struct Gone;

impl<E> From<E> for Gone
where
    E: std::error::Error,
{
    fn from(_: E) -> Self {
        Gone
    }
}

/// What [`Conn::recv`] got.
enum Received {
    Data(Bytes),
    Closed,
}

/// One upgraded connection and its recording.
struct Conn {
    ws: WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>,
    log: Arc<dyn WsLog>,
    connection: usize,
    /// The code of the client's close frame, once it sent one.
    client_close: Option<u16>,
}

/// Completes the upgrade and plays `play` on the connection, until it ends or `shutdown`
/// fires (the server was dropped).
pub(crate) async fn serve(
    on_upgrade: OnUpgrade,
    play: Play,
    log: Arc<dyn WsLog>,
    connection: usize,
    mut shutdown: watch::Receiver<()>,
) {
    let upgraded = tokio::select! {
        upgraded = on_upgrade => match upgraded {
            Ok(upgraded) => upgraded,
            Err(_) => {
                log.closed(connection, None);
                return;
            }
        },
        _ = shutdown.changed() => return,
    };
    let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
    let mut conn = Conn {
        ws,
        log,
        connection,
        client_close: None,
    };
    tokio::select! {
        _ = conn.play(play) => {}
        _ = shutdown.changed() => {}
    }
    conn.log.closed(conn.connection, conn.client_close);
}

impl Conn {
    async fn play(&mut self, play: Play) {
        let _ = match play {
            Play::Script(script) => self.script(script).await,
            Play::Realtime { model } => self.realtime(model).await,
            Play::Responses => self.responses().await,
        };
    }

    /// The next text or binary message from the client, recorded; `Closed` once the client
    /// closed the connection (its close frame answered) or went away.
    async fn recv(&mut self) -> Received {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Text(text))) => return self.record(Bytes::from(text), false),
                Some(Ok(Message::Binary(bytes))) => return self.record(bytes, true),
                Some(Ok(Message::Close(frame))) => {
                    // 1005: a close frame without a status code.
                    self.client_close = Some(frame.map_or(1005, |f| u16::from(f.code)));
                    // Reading on flushes the answer tungstenite queued, then ends.
                    while let Some(Ok(_)) = self.ws.next().await {}
                    return Received::Closed;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Received::Closed,
            }
        }
    }

    fn record(&self, data: Bytes, binary: bool) -> Received {
        self.log.message(WsMessage {
            connection: self.connection,
            data: data.clone(),
            binary,
        });
        Received::Data(data)
    }

    /// Records what the client sends until it closes the connection.
    async fn drain(&mut self) {
        while let Received::Data(_) = self.recv().await {}
    }

    async fn send_json(&mut self, event: &Value) -> Result<(), Gone> {
        self.ws.send(Message::text(event.to_string())).await?;
        Ok(())
    }

    async fn script(&mut self, script: WsScript) -> Result<(), Gone> {
        for step in script.steps {
            match step {
                Step::Send(message) => self.ws.send(message).await?,
                Step::Repeat(message, n) => {
                    for i in 0..n {
                        self.ws.feed(message.clone()).await?;
                        if (i + 1) % REPEAT_FLUSH == 0 {
                            self.ws.flush().await?;
                        }
                    }
                    self.ws.flush().await?;
                }
                Step::Expect => {
                    if let Received::Closed = self.recv().await {
                        return Ok(());
                    }
                }
                Step::Delay(delay) => tokio::time::sleep(delay).await,
                Step::Close(code, reason) => {
                    let frame = CloseFrame {
                        code: CloseCode::from(code),
                        reason: reason.into(),
                    };
                    self.ws.close(Some(frame)).await?;
                    self.drain().await;
                    return Ok(());
                }
                // Returning drops the stream, and with it the TCP connection.
                Step::Drop => return Ok(()),
            }
        }
        self.drain().await;
        Ok(())
    }

    async fn realtime(&mut self, model: String) -> Result<(), Gone> {
        let mut session = RealtimeModel::new(model);
        let created = session.session_created();
        self.send_json(&created).await?;
        while let Received::Data(data) = self.recv().await {
            for event in session.answer(&data) {
                self.send_json(&event).await?;
            }
        }
        Ok(())
    }

    async fn responses(&mut self) -> Result<(), Gone> {
        let mut model = ResponsesModel::default();
        while let Received::Data(data) = self.recv().await {
            for event in model.answer(&data) {
                self.send_json(&event).await?;
            }
        }
        Ok(())
    }
}

/// Parses a client event: a JSON object with a string `type`.
fn parse_event(data: &[u8]) -> Result<(Value, String), String> {
    let event: Value = serde_json::from_slice(data)
        .map_err(|e| format!("The event is not valid JSON (openai-mock): {e}"))?;
    let kind = event
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| "The event has no string 'type' field (openai-mock).".to_owned())?
        .to_owned();
    Ok((event, kind))
}

/// The built-in Realtime model: one session per connection.
#[derive(Debug)]
pub(crate) struct RealtimeModel {
    session: Value,
    events: u64,
    responses: u64,
}

/// 480 bytes of silence (10 ms of 24 kHz PCM16) in base64: 640 `A`s.
const SILENCE_BASE64_LEN: usize = 640;

impl RealtimeModel {
    pub(crate) fn new(model: String) -> Self {
        let session = json!({
            "type": "realtime",
            "id": "sess_mock_1",
            "object": "realtime.session",
            "model": model,
            "expires_at": chat::CREATED + 3600,
            "output_modalities": ["text"],
            "instructions": "",
            "tools": [],
            "tool_choice": "auto",
            "max_output_tokens": "inf",
            "tracing": null,
        });
        Self {
            session,
            events: 0,
            responses: 0,
        }
    }

    fn event_id(&mut self) -> String {
        self.events += 1;
        format!("event_{}", self.events)
    }

    pub(crate) fn session_created(&mut self) -> Value {
        json!({
            "type": "session.created",
            "event_id": self.event_id(),
            "session": self.session,
        })
    }

    /// The events answering one client message.
    pub(crate) fn answer(&mut self, data: &[u8]) -> Vec<Value> {
        let (event, kind) = match parse_event(data) {
            Ok(parsed) => parsed,
            Err(message) => {
                return vec![json!({
                    "type": "error",
                    "event_id": self.event_id(),
                    "error": {
                        "type": "invalid_request_error",
                        "code": "invalid_event",
                        "message": message,
                        "param": null,
                        "event_id": null,
                    },
                })];
            }
        };
        match kind.as_str() {
            "session.update" => {
                if let (Some(update), Some(session)) = (
                    event.get("session").and_then(Value::as_object),
                    self.session.as_object_mut(),
                ) {
                    for (key, value) in update {
                        if !matches!(key.as_str(), "id" | "object" | "type") {
                            session.insert(key.clone(), value.clone());
                        }
                    }
                }
                vec![json!({
                    "type": "session.updated",
                    "event_id": self.event_id(),
                    "session": self.session,
                })]
            }
            "response.create" => self.respond(&event),
            _ => Vec::new(),
        }
    }

    fn respond(&mut self, event: &Value) -> Vec<Value> {
        self.responses += 1;
        let response_id = format!("resp_mock_{}", self.responses);
        let item_id = format!("item_mock_{}", self.responses);
        let modalities = event
            .pointer("/response/output_modalities")
            .or_else(|| self.session.get("output_modalities"))
            .cloned()
            .unwrap_or_else(|| json!(["text"]));
        let audio = modalities
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m == "audio"));
        let response = |status: &str, output: Value| {
            json!({
                "id": response_id,
                "object": "realtime.response",
                "status": status,
                "output": output,
                "conversation_id": "conv_mock_1",
                "output_modalities": if audio { json!(["audio"]) } else { json!(["text"]) },
                "max_output_tokens": "inf",
                "metadata": null,
                "usage": {
                    "total_tokens": 15,
                    "input_tokens": 10,
                    "output_tokens": 5,
                },
            })
        };
        let created = json!({
            "type": "response.created",
            "event_id": self.event_id(),
            "response": response("in_progress", json!([])),
        });
        let (delta, content) = if audio {
            (
                json!({
                    "type": "response.output_audio.delta",
                    "event_id": self.event_id(),
                    "response_id": response_id,
                    "item_id": item_id,
                    "output_index": 0,
                    "content_index": 0,
                    "delta": "A".repeat(SILENCE_BASE64_LEN),
                }),
                json!({"type": "output_audio", "transcript": HELLO}),
            )
        } else {
            (
                json!({
                    "type": "response.output_text.delta",
                    "event_id": self.event_id(),
                    "response_id": response_id,
                    "item_id": item_id,
                    "output_index": 0,
                    "content_index": 0,
                    "delta": HELLO,
                }),
                json!({"type": "output_text", "text": HELLO}),
            )
        };
        let item = json!([{
            "id": item_id,
            "object": "realtime.item",
            "type": "message",
            "status": "completed",
            "role": "assistant",
            "content": [content],
        }]);
        let done = json!({
            "type": "response.done",
            "event_id": self.event_id(),
            "response": response("completed", item),
        });
        vec![created, delta, done]
    }
}

/// The built-in Responses WebSocket model: numbers events and responses per connection.
#[derive(Debug, Default)]
pub(crate) struct ResponsesModel {
    sequence: u64,
    responses: u64,
}

impl ResponsesModel {
    fn next(&mut self) -> u64 {
        let n = self.sequence;
        self.sequence += 1;
        n
    }

    /// The events answering one client message.
    pub(crate) fn answer(&mut self, data: &[u8]) -> Vec<Value> {
        let (event, kind) = match parse_event(data) {
            Ok(parsed) => parsed,
            Err(message) => {
                return vec![json!({
                    "type": "error",
                    "status": 400,
                    "sequence_number": self.next(),
                    "error": {
                        "type": "invalid_request_error",
                        "code": "invalid_event",
                        "message": message,
                        "param": null,
                    },
                })];
            }
        };
        if kind != "response.create" {
            return Vec::new();
        }
        self.responses += 1;
        let id = format!("resp_mock_{}", self.responses);
        let item_id = format!("msg_mock_{}", self.responses);
        let text = event
            .get("input")
            .and_then(last_user_text)
            .unwrap_or_else(|| HELLO.to_owned());
        let model = event
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or(chat::MODEL)
            .to_owned();
        let stream_id = event.get("stream_id").and_then(Value::as_str);
        let response = |status: &str, output: Value, usage: Option<Value>| {
            let mut response = json!({
                "id": id,
                "object": "response",
                "created_at": chat::CREATED,
                "status": status,
                "error": null,
                "incomplete_details": null,
                "instructions": event.get("instructions").cloned().unwrap_or(Value::Null),
                "model": model,
                "output": output,
                "parallel_tool_calls": true,
                "previous_response_id": event.get("previous_response_id").cloned().unwrap_or(Value::Null),
                "metadata": {},
                "tools": [],
                "tool_choice": "auto",
                "temperature": 1.0,
                "top_p": 1.0,
                "text": {"format": {"type": "text"}},
                "truncation": "disabled",
            });
            if let Some(usage) = usage {
                response["usage"] = usage;
            }
            response
        };
        let words = text.split_whitespace().count() as u64;
        let usage = json!({
            "input_tokens": 10,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": words,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 10 + words,
        });
        let message = json!([{
            "id": item_id,
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
        }]);
        let mut events = vec![
            json!({
                "type": "response.created",
                "response": response("in_progress", json!([]), None),
                "sequence_number": self.next(),
            }),
            json!({
                "type": "response.output_text.delta",
                "item_id": item_id,
                "output_index": 0,
                "content_index": 0,
                "delta": text,
                "logprobs": [],
                "sequence_number": self.next(),
            }),
            json!({
                "type": "response.output_text.done",
                "item_id": item_id,
                "output_index": 0,
                "content_index": 0,
                "text": text,
                "logprobs": [],
                "sequence_number": self.next(),
            }),
            json!({
                "type": "response.completed",
                "response": response("completed", message, Some(usage)),
                "sequence_number": self.next(),
            }),
        ];
        if let Some(stream_id) = stream_id {
            for event in &mut events {
                event["stream_id"] = json!(stream_id);
            }
        }
        events
    }
}

/// The text of the last user message of a Responses `input`: the string itself, or the
/// last `input_text` part (or string content) of the last item with role `user`.
fn last_user_text(input: &Value) -> Option<String> {
    if let Some(text) = input.as_str() {
        return Some(text.to_owned());
    }
    let item = input
        .as_array()?
        .iter()
        .rev()
        .find(|item| item.get("role").and_then(Value::as_str) == Some("user"))?;
    match item.get("content")? {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => parts.iter().rev().find_map(|part| {
            (part.get("type").and_then(Value::as_str) == Some("input_text"))
                .then(|| part.get("text").and_then(Value::as_str).map(str::to_owned))
                .flatten()
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_decoded() {
        assert_eq!(
            query_param("a=1&model=gpt%2Drealtime+x", "model").as_deref(),
            Some("gpt-realtime x")
        );
        assert_eq!(query_param("call_id=c", "model"), None);
        assert_eq!(
            query_param("model=%zz%4", "model").as_deref(),
            Some("%zz%4")
        );
    }

    #[test]
    fn last_user_text_reads_strings_and_parts() {
        assert_eq!(last_user_text(&json!("hi")).as_deref(), Some("hi"));
        let input = json!([
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ignored"},
            {"role": "user", "content": [{"type": "input_text", "text": "second"}]},
        ]);
        assert_eq!(last_user_text(&input).as_deref(), Some("second"));
        assert_eq!(
            last_user_text(&json!([{"role": "system", "content": "x"}])),
            None
        );
        assert_eq!(last_user_text(&json!(42)), None);
    }

    #[test]
    fn realtime_event_ids_increase_and_bad_json_is_an_error() {
        let mut model = RealtimeModel::new("m".into());
        assert_eq!(model.session_created()["event_id"], "event_1");
        let events = model.answer(b"{not json");
        assert_eq!(events[0]["type"], "error");
        assert_eq!(events[0]["event_id"], "event_2");
        assert!(
            model
                .answer(br#"{"type":"input_audio_buffer.append","audio":""}"#)
                .is_empty()
        );
        assert_eq!(
            model.answer(b"[]")[0]["error"]["type"],
            "invalid_request_error"
        );
    }
}
