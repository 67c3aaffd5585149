//! WebSocket connections: Realtime (`client.realtime().connect()`) and the
//! Responses API's WebSocket mode (`client.responses().connect()`),
//! `reference/helpers.md` (e).
//!
//! # How a connection opens
//!
//! The handshake is an ordinary request of the client's HTTP stack: `GET
//! <base>/realtime` (or `/responses`) with the WebSocket upgrade headers, so
//! it gets what every call gets: the client's credential (an API-key
//! provider is called, a workload identity's token fetched), `User-Agent`
//! and default headers, proxies, TLS, the connect timeout, tracing. The
//! server's `101 Switching Protocols` hands over the connection, and
//! [`tokio-tungstenite`](tokio_tungstenite) speaks WebSocket on it. Any
//! other answer is the call's [`Error`] (a `401` is [`Error::Api`]). The URL
//! is [`ClientBuilder::websocket_base_url`](crate::ClientBuilder::websocket_base_url)
//! when set, else the HTTP base URL (`wss` for `https`). With the `http2`
//! feature, handshakes go through a pool of their own whose TLS offers only
//! HTTP/1.1, since an HTTP/2 connection cannot be upgraded.
//!
//! # Events
//!
//! A [`Connection`] sends client events (any `Serialize`; the generated
//! `RealtimeClientEvent`, or [`send_raw`](Connection::send_raw) text) as
//! text frames, and yields server events parsed into the protocol's union
//! (`RealtimeServerEvent`, `ResponsesServerEvent`), as a
//! [`futures_core::Stream`] or with [`recv`](Connection::recv). Unknown event
//! types are kept (the unions' `Unknown` variants); a frame that is not
//! JSON is [`Error::Decode`]. [`recv_bytes`](Connection::recv_bytes) gives
//! the raw frames. A normal close (`1000`) ends the stream; an abnormal one
//! is [`Error::Connection`] with [`WebSocketClosed`] as its source, carrying
//! the close code.
//!
//! [`connect`](crate::resources::realtime::Realtime::connect) lives on the
//! resources; see also [`RealtimeConnection`] and [`ResponsesConnection`].
//!
//! # Reconnection
//!
//! With [`Connect::reconnect`], a connection that closes abnormally with one
//! of [`RECONNECT_CODES`] (a drop counts as 1006) opens again as
//! [`Reconnect`] says, with a fresh handshake (and credential); messages
//! sent meanwhile are queued and go out first once it is back. When every
//! attempt fails, the stream yields the close error, whose
//! [`WebSocketClosed::unsent`] holds the messages that never went out.
//!
//! # Tracing
//!
//! A connection has an `openai.websocket` span (debug level, like the
//! calls' `openai.request`): `otel.kind`, `gen_ai.provider.name`,
//! `gen_ai.request.model` (the `model` query parameter),
//! `gen_ai.operation.name` (`chat` for the Responses mode),
//! `server.address`/`port`, and when it ends `websocket.close_code`,
//! `error.type`, `messages.sent`, `messages.received` and
//! `websocket.reconnects`. Each handshake is an `openai.request` of the
//! stack inside it. No event payload, header value or key is recorded.
//!
//! # Azure
//!
//! A client of `openai-azure` routes the Realtime handshake as azure.md
//! section 8 says: `<endpoint>/openai/realtime` (or the
//! `websocket_base_url`), with `api-version` and `deployment` (its
//! `azure_deployment`, else the connection's `.model(..)`) in the query,
//! and its `api-key` or Entra ID token. The hook is the client's
//! [`Router`](crate::route::Router), which sees
//! [`is_websocket`](crate::route::RouteRequest::is_websocket) requests.
//!
//! # Typed shortcuts
//!
//! Every client event of the spec has a method named after its `type`:
//! `connection.session().update(session)` sends `session.update`,
//! `connection.conversation().item().truncate(item_id, content_index,
//! audio_end_ms)` sends `conversation.item.truncate`. Each takes the event's
//! required fields and returns a [`SendEvent`] with a setter per optional
//! field (`.event_id(..)`); `.await` sends it. They are generated from the
//! spec's client-event unions (modules [`realtime`], [`responses`],
//! [`beta_responses`]). `input_audio_buffer().append_audio(&pcm)` takes raw
//! audio; audio deltas decode with `delta.audio()` or
//! `delta.decode_audio_into(&mut buffer)`.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_util::{Sink, SinkExt, StreamExt};
use http::header::{CONNECTION, HeaderName, HeaderValue, UPGRADE};
use http::{HeaderMap, Method, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};
use tokio_tungstenite::tungstenite::{self, Message};
use tower::ServiceExt;
use tracing::Instrument;
use tracing::Span;

mod connect;
mod reconnect;
mod send_event;

pub use send_event::SendEvent;

/// The typed shortcuts of a [`BetaResponsesConnection`]:
/// `connection.response().create()`, `.response().inject(..)`.
#[cfg(feature = "beta-responses")]
pub use crate::generated::websocket::beta_responses;
/// The typed shortcuts of a [`RealtimeConnection`]: `connection.session()`,
/// `.response()`, `.input_audio_buffer()`, `.output_audio_buffer()`,
/// `.conversation().item()`, generated from the spec's client events.
#[cfg(feature = "realtime")]
pub use crate::generated::websocket::realtime;
/// The typed shortcuts of a [`ResponsesConnection`]: `connection.response().create()`.
#[cfg(feature = "responses")]
pub use crate::generated::websocket::responses;

pub use reconnect::{
    DEFAULT_MAX_QUEUE_SIZE, RECONNECT_CODES, Reconnect, ReconnectAttempt, ReconnectDecision,
    WebSocketQueueFull,
};

#[cfg(feature = "beta-responses")]
pub use connect::BetaResponsesConnection;
#[cfg(feature = "realtime")]
pub use connect::RealtimeConnection;
#[cfg(feature = "responses")]
pub use connect::ResponsesConnection;

use crate::client::Client;
use crate::endpoint::Prepared;
use crate::error::{ApiError, ConnectionError, DecodeError, Error, InvalidRequestError};
use crate::request::build_http;
use openai_transport::timeout::ResponseMode;
use openai_types::FromJsonSlice;

/// The socket under a connection.
type Socket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// A WebSocket connection that is about to open: set the model, the call,
/// extra query parameters and headers, then `.await` it.
#[must_use = "a connection opens only when awaited"]
pub struct Connect<'a, C, S> {
    client: &'a Client,
    path: &'static str,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    error: Option<Error>,
    reconnect: Option<Reconnect>,
    /// How a server event decodes: `S::from_json_slice`.
    decode: Decode<S>,
    _events: PhantomData<fn(C) -> S>,
}

/// Decodes one server event from a message's bytes.
type Decode<S> = fn(&[u8]) -> serde_json::Result<S>;

impl<C, S> fmt::Debug for Connect<'_, C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connect")
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl<'a, C, S: FromJsonSlice> Connect<'a, C, S> {
    #[cfg_attr(
        not(any(
            feature = "realtime",
            feature = "responses",
            feature = "beta-responses"
        )),
        allow(dead_code, reason = "no resource to connect from")
    )]
    pub(crate) fn new(client: &'a Client, path: &'static str) -> Self {
        Self {
            client,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            error: None,
            reconnect: None,
            decode: S::from_json_slice,
            _events: PhantomData,
        }
    }
}

impl<'a, C, S> Connect<'a, C, S> {
    /// Reconnects after an abnormal close ([`RECONNECT_CODES`]; a drop is
    /// 1006) as `options` says, instead of ending the connection: see
    /// [`Reconnect`]. Off by default, as in Python (where supplying
    /// `on_reconnecting` turns it on).
    pub fn reconnect(mut self, options: Reconnect) -> Self {
        self.reconnect = Some(options);
        self
    }

    /// The model (`?model=`).
    pub fn model(self, model: impl Into<String>) -> Self {
        self.query("model", model)
    }

    /// The call to attach to (`?call_id=`, a SIP or WebRTC call).
    pub fn call_id(self, call_id: impl Into<String>) -> Self {
        self.query("call_id", call_id)
    }

    /// A query parameter of the handshake (Python's `extra_query`).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.query.retain(|(k, _)| *k != name);
        self.query.push((name, value.into()));
        self
    }

    /// A header of the handshake (Python's `extra_headers`); a bad name or
    /// value fails the connect with [`Error::InvalidRequest`].
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        match (
            HeaderName::try_from(name.as_ref()),
            HeaderValue::try_from(value.as_ref()),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            _ => {
                self.error
                    .get_or_insert(Error::InvalidRequest(InvalidRequestError::new(
                        "a WebSocket header name or value cannot be sent",
                    )));
            }
        }
        self
    }

    /// Opens the connection.
    ///
    /// # Errors
    ///
    /// What a call can fail with ([`Error::Connection`], [`Error::Timeout`],
    /// [`Error::Api`] for a refused handshake, [`Error::Credential`]), or
    /// [`Error::Decode`] when the server answers `101` without a valid
    /// `Sec-WebSocket-Accept`.
    pub async fn open(self) -> Result<Connection<C, S>, Error> {
        if let Some(err) = self.error {
            return Err(err);
        }
        let span = connection_span(self.client, self.path, &self.query);
        let params = Params {
            client: self.client.clone(),
            path: self.path,
            query: self.query,
            headers: self.headers,
            span: span.clone(),
        };
        let (socket, request_id) = match params.open().instrument(span.clone()).await {
            Ok(opened) => opened,
            Err(e) => {
                span.record("error.type", error_kind(&e));
                return Err(e);
            }
        };
        let reconnect = self.reconnect.map(|options| Box::new((params, options)));
        Ok(Connection {
            state: State::Open(Box::new(socket)),
            request_id,
            ended: None,
            reconnect,
            queue: VecDeque::new(),
            queued_bytes: 0,
            span,
            counts: Counts::default(),
            decode: self.decode,
            _events: PhantomData,
        })
    }
}

/// What a handshake needs, kept by a connection that reconnects.
#[derive(Clone)]
struct Params {
    client: Client,
    path: &'static str,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    /// The connection's span.
    span: Span,
}

impl Params {
    /// One handshake: the socket and the answer's request id.
    async fn open(&self) -> Result<(Socket, Option<String>), Error> {
        let key = tungstenite::handshake::client::generate_key();
        let mut prepared = Prepared::custom(Method::GET, self.path);
        prepared.query = self.query.clone();
        prepared.mode = ResponseMode::Streaming;
        prepared.scope = openai_transport::auth::AuthScope::ApiKey;
        let headers = &mut prepared.headers;
        headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
        let key_value = HeaderValue::from_str(&key).expect("a base64 key is a header value");
        headers.insert(SEC_WEBSOCKET_KEY, key_value);
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        let mut request = build_http(&self.client, prepared, &crate::RequestOptions::new())?;
        if let Some(base) = self.client.websocket_base() {
            let query = request.uri().query().map(str::to_owned);
            *request.uri_mut() = websocket_uri(base, self.path, query.as_deref())?;
        }
        let span = &self.span;
        if !span.is_disabled() {
            let uri = request.uri();
            let https = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
            span.record("server.address", uri.host());
            span.record(
                "server.port",
                uri.port_u16().unwrap_or(if https { 443 } else { 80 }),
            );
        }
        let response = self
            .client
            .service()
            .clone()
            .oneshot(request)
            .await
            .map_err(Error::from_transport)?;
        if response.status() != StatusCode::SWITCHING_PROTOCOLS {
            let (parts, body) = response.into_parts();
            let raw = body.into_bytes().unwrap_or_default();
            return Err(Error::Api(ApiError::from_response(
                parts.status,
                parts.headers,
                raw,
            )));
        }
        let accept = response
            .headers()
            .get(SEC_WEBSOCKET_ACCEPT)
            .map(HeaderValue::as_bytes);
        if accept != Some(derive_accept_key(key.as_bytes()).as_bytes()) {
            return Err(Error::Decode(DecodeError::new(
                "the server switched protocols without a valid Sec-WebSocket-Accept",
                None,
            )));
        }
        let request_id = openai_transport::request_id::request_id(&response).map(str::to_owned);
        let upgraded = hyper::upgrade::on(response)
            .await
            .map_err(|e| Error::Connection(ConnectionError::new(e)))?;
        let socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Client, None).await;
        Ok((socket, request_id))
    }

    /// Reconnects after `closed` as `options` says: the new socket, or the
    /// close error when every attempt failed or the hook aborted.
    async fn reconnect(
        mut self,
        options: Reconnect,
        closed: WebSocketClosed,
    ) -> Result<(Socket, Option<String>, Params), WebSocketClosed> {
        for attempt in 1..=options.max_retries {
            let delay = options.delay(attempt, openai_transport::retry::jitter());
            if let Some(hook) = &options.hook {
                let info = ReconnectAttempt {
                    attempt,
                    max_attempts: options.max_retries,
                    delay,
                    close_code: closed.code,
                    query: &self.query,
                    headers: &self.headers,
                };
                match hook(&info) {
                    ReconnectDecision::Continue => {}
                    ReconnectDecision::Abort => return Err(closed),
                    ReconnectDecision::Replace { query, headers } => {
                        self.query = query;
                        self.headers = headers;
                    }
                }
            }
            tracing::debug!(
                attempt,
                code = closed.code,
                "WebSocket: reconnecting in {delay:?}"
            );
            tokio::time::sleep(delay).await;
            match self.open().await {
                Ok((socket, request_id)) => return Ok((socket, request_id, self)),
                Err(e) => {
                    tracing::debug!(attempt, error_kind = %error_kind(&e), "WebSocket: reconnection failed")
                }
            }
        }
        Err(closed)
    }
}

/// The `openai.websocket` span of a connection (debug level, like the
/// calls' `openai.request`): what it is, where it goes, how it ended. Its
/// handshakes' `openai.request` spans are its children. Never a payload, a
/// header value or the query beyond the model.
fn connection_span(client: &Client, path: &str, query: &[(String, String)]) -> Span {
    use tracing::field::Empty;
    if !openai_transport::trace::span_enabled() {
        return Span::none();
    }
    let model = query
        .iter()
        .find(|(k, _)| k == "model")
        .map(|(_, v)| v.as_str());
    tracing::debug_span!(
        "openai.websocket",
        path,
        otel.kind = "client",
        gen_ai.provider.name = client.stack_defaults().provider,
        gen_ai.operation.name = (path == "/responses").then_some("chat"),
        gen_ai.request.model = model,
        server.address = Empty,
        server.port = Empty,
        websocket.close_code = Empty,
        websocket.reconnects = Empty,
        messages.sent = Empty,
        messages.received = Empty,
        error.type = Empty,
    )
}

/// A failed handshake, as logged: never the error's text, which may hold a URL.
fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Api(_) => "status",
        Error::Timeout => "timeout",
        Error::Credential(_) => "credential",
        _ => "connection",
    }
}

impl<'a, C: 'a, S: 'a> IntoFuture for Connect<'a, C, S> {
    type Output = Result<Connection<C, S>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.open())
    }
}

/// `base` (a `ws://` or `wss://` URL, or `http(s)://`) joined with `path`
/// and `query`, as the `http(s)` URI the handshake is sent to.
fn websocket_uri(base: &str, path: &str, query: Option<&str>) -> Result<http::Uri, Error> {
    let invalid = || {
        Error::InvalidRequest(InvalidRequestError::new(
            "the WebSocket base URL is not a ws://, wss://, http:// or https:// URL",
        ))
    };
    let (scheme, rest) = base.split_once("://").ok_or_else(invalid)?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => "http",
        "wss" | "https" => "https",
        _ => return Err(invalid()),
    };
    let rest = rest.trim_end_matches('/');
    let mut uri = format!("{scheme}://{rest}{path}");
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        uri.push('?');
        uri.push_str(query);
    }
    uri.parse().map_err(|_| invalid())
}

const SEC_WEBSOCKET_KEY: HeaderName = HeaderName::from_static("sec-websocket-key");
const SEC_WEBSOCKET_VERSION: HeaderName = HeaderName::from_static("sec-websocket-version");
const SEC_WEBSOCKET_ACCEPT: HeaderName = HeaderName::from_static("sec-websocket-accept");

/// How a connection ended abnormally: the source of the
/// [`Error::Connection`] a stream yields then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSocketClosed {
    code: u16,
    reason: String,
    unsent: Vec<String>,
}

impl WebSocketClosed {
    /// The close code: the server's, or `1006` when the connection dropped
    /// without a close frame.
    pub fn code(&self) -> u16 {
        self.code
    }

    /// The server's reason, if it gave one.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The messages sent while reconnecting that never went out (Python's
    /// `WebSocketConnectionClosedError.unsent_messages`), oldest first.
    pub fn unsent(&self) -> &[String] {
        &self.unsent
    }

    fn new(code: u16, reason: String) -> Self {
        Self {
            code,
            reason,
            unsent: Vec::new(),
        }
    }
}

impl fmt::Display for WebSocketClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the WebSocket connection closed with code {}", self.code)?;
        if !self.reason.is_empty() {
            write!(f, " ({})", self.reason)?;
        }
        if !self.unsent.is_empty() {
            write!(f, "; {} message(s) were not sent", self.unsent.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for WebSocketClosed {}

/// How a connection ended.
#[derive(Debug, Clone)]
enum Ended {
    /// A close with code 1000.
    Normal,
    /// Anything else.
    Abnormal(WebSocketClosed),
}

/// An open WebSocket connection: client events `C` out, server events `S`
/// in. See the [module docs](self).
pub struct Connection<C, S> {
    state: State,
    request_id: Option<String>,
    /// How the connection ended, once it has.
    ended: Option<Ended>,
    /// With reconnection: the handshake's parameters and the options.
    reconnect: Option<Box<(Params, Reconnect)>>,
    /// Messages sent while reconnecting, and their bytes.
    queue: VecDeque<String>,
    queued_bytes: usize,
    /// `openai.websocket`, disabled when no subscriber wants it.
    span: Span,
    counts: Counts,
    decode: Decode<S>,
    _events: PhantomData<fn(C) -> S>,
}

/// What the connection's span records when it ends.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    sent: u64,
    received: u64,
    reconnects: u32,
}

impl<C, S> Drop for Connection<C, S> {
    fn drop(&mut self) {
        if !self.span.is_disabled() {
            self.span.record("messages.sent", self.counts.sent);
            self.span.record("messages.received", self.counts.received);
            self.span
                .record("websocket.reconnects", self.counts.reconnects);
        }
    }
}

/// The reconnection in progress.
type Reconnecting =
    Pin<Box<dyn Future<Output = Result<(Socket, Option<String>, Params), WebSocketClosed>> + Send>>;

enum State {
    Open(Box<Socket>),
    Reconnecting(Reconnecting),
    Closed,
}

impl<C, S> fmt::Debug for Connection<C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("request_id", &self.request_id)
            .field("ended", &self.ended)
            .field("reconnect", &self.reconnect.as_ref().map(|r| &r.1))
            .field("queued", &self.queue.len())
            .finish_non_exhaustive()
    }
}

impl<C: Serialize, S> Connection<C, S> {
    /// Sends a client event as a JSON text frame.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the event does not serialize;
    /// [`Error::Connection`] when the connection is closed or broken.
    pub async fn send(&mut self, event: &C) -> Result<(), Error> {
        let text = send_event::to_text(event)?;
        self.send_raw(text).await
    }
}

impl<C, S> Connection<C, S> {
    /// Sends `text` as it is, as a text frame (Python's `send_raw`).
    ///
    /// # Errors
    ///
    /// [`Error::Connection`] when the connection is closed or broken.
    pub async fn send_raw(&mut self, text: impl Into<String>) -> Result<(), Error> {
        let text = text.into();
        match &mut self.state {
            State::Open(socket) => {
                // The frame shares the text's bytes; a copy to queue is kept
                // (a reference count) only when reconnecting may need it.
                let message = Message::text(text);
                let kept = self.reconnect.is_some().then(|| message.clone());
                match (socket.send(message).await, kept) {
                    (Ok(()), _) => {
                        self.counts.sent += 1;
                        Ok(())
                    }
                    // Reading will see the break and reconnect; the message waits.
                    (Err(_), Some(Message::Text(text))) => self.enqueue(text.as_str().to_owned()),
                    (Err(e), _) => Err(ws_error(e)),
                }
            }
            State::Reconnecting(_) => self.enqueue(text),
            State::Closed => Err(match &self.ended {
                Some(Ended::Abnormal(closed)) => closed_error(closed.clone()),
                _ => ws_error(tungstenite::Error::ConnectionClosed),
            }),
        }
    }

    /// Queues `text` until the connection is back.
    fn enqueue(&mut self, text: String) -> Result<(), Error> {
        let max = self
            .reconnect
            .as_ref()
            .map_or(DEFAULT_MAX_QUEUE_SIZE, |r| r.1.max_queue_size);
        if self.queued_bytes + text.len() > max {
            return Err(Error::Connection(ConnectionError::new(
                WebSocketQueueFull { max },
            )));
        }
        self.queued_bytes += text.len();
        self.queue.push_back(text);
        Ok(())
    }

    /// The next frame's bytes, text or binary (Python's `recv_bytes`);
    /// `None` once the connection closed normally.
    pub async fn recv_bytes(&mut self) -> Option<Result<Bytes, Error>> {
        std::future::poll_fn(|cx| self.poll_frame(cx)).await
    }

    /// Closes the connection with `code` and `reason` (Python's `close`,
    /// default `1000`), and waits for the server's close frame.
    ///
    /// # Errors
    ///
    /// [`Error::Connection`] when the connection broke meanwhile.
    pub async fn close(mut self, code: u16, reason: &str) -> Result<(), Error> {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_owned().into(),
        };
        let State::Open(socket) = &mut self.state else {
            return Ok(());
        };
        self.span.record("websocket.close_code", code);
        match WebSocketStream::close(&mut **socket, Some(frame)).await {
            Ok(()) | Err(tungstenite::Error::ConnectionClosed) => Ok(()),
            Err(e) => Err(ws_error(e)),
        }
    }

    /// The handshake's `x-request-id`.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Whether the connection has ended (closed or broken).
    pub fn is_closed(&self) -> bool {
        self.ended.is_some()
    }

    /// How the connection ended abnormally, if it did; `None` while it is
    /// open and after a normal close.
    pub fn close_error(&self) -> Option<&WebSocketClosed> {
        match &self.ended {
            Some(Ended::Abnormal(closed)) => Some(closed),
            _ => None,
        }
    }

    /// The next data frame, skipping pings and pongs (tungstenite answers
    /// pings itself), reconnecting when the connection says so.
    fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
        loop {
            match &mut self.state {
                State::Closed => {
                    return Poll::Ready(match &self.ended {
                        Some(Ended::Abnormal(closed)) => Some(Err(closed_error(closed.clone()))),
                        _ => None,
                    });
                }
                State::Reconnecting(future) => match ready!(future.as_mut().poll(cx)) {
                    Ok((socket, request_id, params)) => {
                        tracing::debug!(parent: &self.span, "WebSocket: reconnected");
                        self.counts.reconnects += 1;
                        self.state = State::Open(Box::new(socket));
                        self.request_id = request_id;
                        if let Some(reconnect) = &mut self.reconnect {
                            reconnect.0 = params;
                        }
                    }
                    Err(mut closed) => {
                        closed.unsent = self.queue.drain(..).collect();
                        self.queued_bytes = 0;
                        return Poll::Ready(Some(Err(self.end(Some(closed)))));
                    }
                },
                State::Open(socket) => {
                    let queued = &mut self.queue;
                    if let Err(closed) = ready!(flush(
                        socket,
                        queued,
                        &mut self.queued_bytes,
                        &mut self.counts.sent,
                        cx
                    )) {
                        if let Some(err) = self.broke(closed) {
                            return Poll::Ready(Some(Err(err)));
                        }
                        continue;
                    }
                    let closed = match ready!(socket.poll_next_unpin(cx)) {
                        Some(Ok(Message::Text(text))) => {
                            self.counts.received += 1;
                            return Poll::Ready(Some(Ok(Bytes::from(text))));
                        }
                        Some(Ok(Message::Binary(bytes))) => {
                            self.counts.received += 1;
                            return Poll::Ready(Some(Ok(bytes)));
                        }
                        Some(Ok(Message::Close(frame))) => {
                            let (code, reason) = frame.map_or((1005, String::new()), |f| {
                                (u16::from(f.code), f.reason.to_string())
                            });
                            if code == 1000 {
                                self.end(None);
                                return Poll::Ready(None);
                            }
                            WebSocketClosed::new(code, reason)
                        }
                        Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {
                            continue;
                        }
                        Some(Err(e)) => {
                            tracing::debug!(parent: &self.span, error = %e, "the WebSocket connection broke");
                            WebSocketClosed::new(1006, String::new())
                        }
                        None => WebSocketClosed::new(1006, String::new()),
                    };
                    if let Some(err) = self.broke(closed) {
                        return Poll::Ready(Some(Err(err)));
                    }
                }
            }
        }
    }

    /// The connection closed abnormally: reconnects when it may (`None`),
    /// else ends with the close error.
    fn broke(&mut self, closed: WebSocketClosed) -> Option<Error> {
        match &self.reconnect {
            Some(reconnect) if RECONNECT_CODES.contains(&closed.code) => {
                let (params, options) = (**reconnect).clone();
                let reconnecting = params.reconnect(options, closed);
                self.state =
                    State::Reconnecting(Box::pin(reconnecting.instrument(self.span.clone())));
                None
            }
            _ => {
                let mut closed = closed;
                closed.unsent = self.queue.drain(..).collect();
                self.queued_bytes = 0;
                Some(self.end(Some(closed)))
            }
        }
    }

    /// Ends the connection: normally (`None`), or with `closed`, whose error
    /// is returned.
    fn end(&mut self, closed: Option<WebSocketClosed>) -> Error {
        self.state = State::Closed;
        if !self.span.is_disabled() {
            let code = closed.as_ref().map_or(1000, |c| c.code);
            self.span.record("websocket.close_code", code);
            if closed.is_some() {
                self.span.record("error.type", "websocket_closed");
            }
        }
        match closed {
            None => {
                self.ended = Some(Ended::Normal);
                ws_error(tungstenite::Error::ConnectionClosed)
            }
            Some(closed) => {
                self.ended = Some(Ended::Abnormal(closed.clone()));
                closed_error(closed)
            }
        }
    }
}

/// Sends the queued messages, oldest first; a failure is a broken connection.
fn flush(
    socket: &mut Socket,
    queue: &mut VecDeque<String>,
    queued_bytes: &mut usize,
    sent: &mut u64,
    cx: &mut Context<'_>,
) -> Poll<Result<(), WebSocketClosed>> {
    if queue.is_empty() {
        return Poll::Ready(Ok(()));
    }
    let broken = |_| WebSocketClosed::new(1006, String::new());
    while let Some(text) = queue.front() {
        ready!(Pin::new(&mut *socket).poll_ready(cx)).map_err(broken)?;
        let len = text.len();
        let text = queue.pop_front().expect("checked above");
        *queued_bytes -= len;
        Pin::new(&mut *socket)
            .start_send(Message::text(text))
            .map_err(broken)?;
        *sent += 1;
    }
    Pin::new(&mut *socket).poll_flush(cx).map_err(broken)
}

impl<C, S> Connection<C, S> {
    /// The next server event; `None` once the connection closed normally.
    pub async fn recv(&mut self) -> Option<Result<S, Error>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }
}

impl<C, S> futures_core::Stream for Connection<C, S> {
    type Item = Result<S, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let frame = match ready!(this.poll_frame(cx)) {
            Some(Ok(frame)) => frame,
            Some(Err(e)) => return Poll::Ready(Some(Err(e))),
            None => return Poll::Ready(None),
        };
        Poll::Ready(Some((this.decode)(&frame).map_err(|e| {
            Error::Decode(
                DecodeError::new(format!("invalid WebSocket event: {e}"), Some(e))
                    .with_request_id(this.request_id.as_deref()),
            )
        })))
    }
}

// `Socket` is `Unpin`, so is the connection.
impl<C, S> Unpin for Connection<C, S> {}

fn closed_error(closed: WebSocketClosed) -> Error {
    Error::Connection(ConnectionError::new(closed))
}

fn ws_error(e: tungstenite::Error) -> Error {
    Error::Connection(ConnectionError::new(e))
}

/// Sends client events into a connection as a [`Sink`].
impl<C: Serialize, S> Sink<C> for Connection<C, S> {
    type Error = Error;

    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        match &mut self.state {
            State::Open(socket) => Pin::new(&mut **socket).poll_ready(cx).map_err(ws_error),
            // Queued while reconnecting.
            State::Reconnecting(_) => Poll::Ready(Ok(())),
            State::Closed => Poll::Ready(Err(ws_error(tungstenite::Error::ConnectionClosed))),
        }
    }

    fn start_send(mut self: Pin<&mut Self>, event: C) -> Result<(), Error> {
        let text = send_event::to_text(&event)?;
        match &mut self.state {
            State::Open(socket) => {
                Pin::new(&mut **socket)
                    .start_send(Message::text(text))
                    .map_err(ws_error)?;
                self.counts.sent += 1;
                Ok(())
            }
            State::Reconnecting(_) => self.enqueue(text),
            State::Closed => Err(ws_error(tungstenite::Error::ConnectionClosed)),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        match &mut self.state {
            State::Open(socket) => Pin::new(&mut **socket).poll_flush(cx).map_err(ws_error),
            State::Reconnecting(_) | State::Closed => Poll::Ready(Ok(())),
        }
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        match &mut self.state {
            State::Open(socket) => Pin::new(&mut **socket).poll_close(cx).map_err(ws_error),
            State::Reconnecting(_) | State::Closed => Poll::Ready(Ok(())),
        }
    }
}
