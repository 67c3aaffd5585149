//! [`MockServer`]: the listener, the per-connection HTTP/1.1 service and the shared state
//! (queue of mocks, path mocks, default mock, recorded requests).
//!
//! Everything runs on the caller's tokio runtime: `start` spawns the accept loop with
//! `tokio::spawn`, and every delay is a `tokio::time::sleep`, so tests with a paused clock
//! control the server's time too.

use std::collections::VecDeque;
use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY,
    SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION, UPGRADE,
};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use crate::body::MockBody;
use crate::mock::{Fault, Mock};
use crate::model;
use crate::request::RecordedRequest;
use crate::route::{match_template, route};
use crate::table::RequestView;
use crate::websocket::{self, Play, WsLog, WsMessage, WsScript};

/// Largest request body the server reads; larger ones get a 413 error.
pub const MAX_REQUEST_BODY: usize = 64 * 1024 * 1024;

/// An in-process mock OpenAI server listening on `127.0.0.1` (or the address given to
/// [`MockServer::bind`]).
///
/// Answers come from, in order: the queue of [`Mock`]s (first in, first out; each answers
/// one request whatever its path) and [`WsScript`]s (each plays on one WebSocket
/// connection; see [`MockServer::enqueue_ws`]), then the path mocks of [`MockServer::mock_path`] (each
/// answers every request to its method and path), then the default mock set with
/// [`MockServer::set_default`], then a tiny deterministic model, then the answer the spec
/// gives for the operation (see the crate docs). Every request is recorded, including
/// those the model answers.
///
/// The server runs on the runtime that called [`MockServer::start`] and stops when the
/// `MockServer` is dropped: the listener closes and open connections are cut.
///
/// # Examples
///
/// ```
/// use openai_mock::{Mock, MockServer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = MockServer::start().await;
/// server.enqueue(Mock::error(429).header("retry-after-ms", "10"));
/// server.enqueue(Mock::chat_completion("Hello!"));
/// assert!(server.url().ends_with("/v1"));
/// assert_eq!(server.pending(), 2);
/// # }
/// ```
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
    /// Dropped with the server; connection tasks watch it and stop.
    _shutdown: watch::Sender<()>,
}

/// A mock answering every request to one method and path template.
#[derive(Debug)]
struct PathMock {
    method: Method,
    template: String,
    mock: Mock,
}

/// The body of a request was cut by the client, or a mock asked to drop the connection.
#[derive(Debug)]
struct DropConnection;

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Fires when the server is dropped; WebSocket connections watch it and stop.
    shutdown: watch::Receiver<()>,
}

/// One entry of the queue.
// Mocks are the common entry and queues are short: boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Queued {
    /// Answers any request, a WebSocket handshake included, as plain HTTP.
    Http(Mock),
    /// Plays on the next WebSocket connection.
    Ws(WsScript),
}

/// How a request is answered.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Pick {
    Http(Mock),
    Ws(Play),
}

/// Whether a request asks for a WebSocket upgrade.
#[derive(Debug)]
enum Handshake {
    /// No `Upgrade: websocket` header: a plain request.
    No,
    /// `Upgrade: websocket`, but not a valid handshake: a 400 where an upgrade would be.
    Invalid(&'static str),
    /// A valid handshake: the `Sec-WebSocket-Accept` value and the subprotocol to echo.
    Valid {
        accept: String,
        protocol: Option<HeaderValue>,
    },
}

#[derive(Debug)]
struct State {
    queue: VecDeque<Queued>,
    /// `mock_path` mocks, the latest last: it wins over earlier ones for the same request.
    paths: Vec<PathMock>,
    default: Option<Mock>,
    requests: Vec<RecordedRequest>,
    record: bool,
    /// Requests received so far; numbers `x-request-id` and completion ids.
    served: u64,
    /// Messages clients sent over WebSocket connections.
    ws_messages: Vec<WsMessage>,
    /// The close code each WebSocket connection's client sent, as connections end.
    ws_closes: Vec<(usize, Option<u16>)>,
    /// WebSocket connections accepted so far; numbers them.
    ws_connections: usize,
}

impl MockServer {
    /// Starts a server on `127.0.0.1` with a port chosen by the OS.
    ///
    /// # Panics
    ///
    /// If the listener cannot be bound (see [`MockServer::try_start`]), or if called
    /// outside a tokio runtime.
    pub async fn start() -> Self {
        match Self::try_start().await {
            Ok(server) => server,
            Err(e) => panic!("openai-mock: cannot bind 127.0.0.1:0: {e}"),
        }
    }

    /// Starts a server on `127.0.0.1` with a port chosen by the OS.
    ///
    /// # Errors
    ///
    /// If the listener cannot be bound.
    ///
    /// # Panics
    ///
    /// If called outside a tokio runtime.
    pub async fn try_start() -> io::Result<Self> {
        Self::bind((Ipv4Addr::LOCALHOST, 0)).await
    }

    /// Starts a server listening on `addr`, e.g. `"0.0.0.0:8080"` or
    /// `(Ipv4Addr::LOCALHOST, 0)` (port 0: the OS picks one; read it back with
    /// [`MockServer::addr`]). This is what the `openai-mock` binary runs.
    ///
    /// # Errors
    ///
    /// If the address does not resolve or the listener cannot be bound.
    ///
    /// # Panics
    ///
    /// If called outside a tokio runtime.
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (shutdown, watch) = watch::channel(());
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                paths: Vec::new(),
                default: None,
                requests: Vec::new(),
                record: true,
                served: 0,
                ws_messages: Vec::new(),
                ws_closes: Vec::new(),
                ws_connections: 0,
            }),
            shutdown: watch.clone(),
        });
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared), watch));
        Ok(Self {
            addr,
            shared,
            accept,
            _shutdown: shutdown,
        })
    }

    /// The base URL of the API, ending in `/v1`, e.g. `http://127.0.0.1:41234/v1`.
    ///
    /// The server also accepts the same paths without the `/v1` prefix.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues `mock` to answer one request, after the mocks already queued.
    ///
    /// Anything that converts into a [`Mock`] is accepted, such as a
    /// [`Hostile`](crate::Hostile) case.
    pub fn enqueue(&self, mock: impl Into<Mock>) {
        self.shared
            .lock()
            .queue
            .push_back(Queued::Http(mock.into()));
    }

    /// Queues `script` to play on one WebSocket connection, after the entries already
    /// queued.
    ///
    /// Mocks and scripts share one queue, and each request takes the earliest entry that
    /// can answer it: a [`Mock`] answers any request (a WebSocket handshake included, as a
    /// plain HTTP response: queue `Mock::error(401)` to make the next handshake fail), a
    /// script only a WebSocket handshake (plain requests pass it by). A handshake to any
    /// path takes the script; see the [`websocket`](crate::websocket) module.
    ///
    /// # Examples
    ///
    /// ```
    /// use openai_mock::{Mock, MockServer, WsScript};
    /// use serde_json::json;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = MockServer::start().await;
    /// server.enqueue(Mock::error(401)); // the first handshake fails...
    /// server.enqueue_ws(WsScript::new().send(json!({"type": "hello"})).close(1000, "bye"));
    /// assert_eq!(server.pending(), 2); // ...the second one plays the script.
    /// # }
    /// ```
    pub fn enqueue_ws(&self, script: WsScript) {
        self.shared.lock().queue.push_back(Queued::Ws(script));
    }

    /// Every message clients sent over WebSocket connections (since the server started, or
    /// the last [`MockServer::clear_requests`]), in arrival order. Recorded only while
    /// [`MockServer::record_requests`] is on.
    pub fn ws_messages(&self) -> Vec<WsMessage> {
        self.shared.lock().ws_messages.clone()
    }

    /// For each WebSocket connection that has ended, in the order they ended: its number
    /// (as [`WsMessage::connection`]) and the code of the close frame its client sent, or
    /// `None` if the client sent none (it dropped the connection, or the server ended it
    /// with [`WsScript::drop_connection`] or by being dropped). A close frame without a
    /// code counts as 1005. Recorded only while [`MockServer::record_requests`] is on.
    pub fn ws_closes(&self) -> Vec<(usize, Option<u16>)> {
        self.shared.lock().ws_closes.clone()
    }

    /// The number of queued mocks and WebSocket scripts that have not answered a request
    /// yet.
    pub fn pending(&self) -> usize {
        self.shared.lock().queue.len()
    }

    /// Answers every request to `method` `path` with `mock` (a fresh copy each time), until
    /// [`MockServer::clear_path_mocks`], instead of the default mock, the built-in model and
    /// the spec's answer. Queued mocks still answer first.
    ///
    /// `path` may start with `/v1` or not, and a `{name}` segment matches any one segment:
    /// `"/v1/files/{file_id}"` answers `GET /v1/files/file-1` and `GET /files/file-2`. When
    /// several path mocks match a request, the one added last answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::Method;
    /// use openai_mock::{Mock, MockServer};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = MockServer::start().await;
    /// server.mock_path(Method::GET, "/v1/files/{file_id}", Mock::error(404));
    /// server.mock_path(Method::POST, "/v1/chat/completions", Mock::chat_completion("Hi"));
    /// # }
    /// ```
    pub fn mock_path(&self, method: Method, path: &str, mock: impl Into<Mock>) {
        self.shared.lock().paths.push(PathMock {
            method,
            template: path.to_owned(),
            mock: mock.into(),
        });
    }

    /// Removes every path mock added with [`MockServer::mock_path`].
    pub fn clear_path_mocks(&self) {
        self.shared.lock().paths.clear();
    }

    /// Answers with `mock` (a fresh copy each time) whenever the queue is empty, instead of
    /// the built-in model. Useful for benchmarks that want the same answer many times.
    pub fn set_default(&self, mock: impl Into<Mock>) {
        self.shared.lock().default = Some(mock.into());
    }

    /// Removes the default mock: the built-in model answers again when the queue is empty.
    pub fn clear_default(&self) {
        self.shared.lock().default = None;
    }

    /// Every request received so far (since the last [`MockServer::clear_requests`]), in
    /// arrival order.
    ///
    /// A request is recorded once its body has been read, just before the server picks its
    /// answer, so it is visible here even if its answer is delayed or never comes.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Forgets the recorded requests, WebSocket messages and WebSocket closes.
    pub fn clear_requests(&self) {
        let mut state = self.shared.lock();
        state.requests.clear();
        state.ws_messages.clear();
        state.ws_closes.clear();
    }

    /// Turns request recording on (the default) or off. Long benchmarks turn it off so
    /// the server's memory stays flat.
    pub fn record_requests(&self, enabled: bool) {
        self.shared.lock().record = enabled;
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("pending", &state.queue.len())
            .field("path_mocks", &state.paths.len())
            .field("requests", &state.requests.len())
            .field("ws_messages", &state.ws_messages.len())
            .field("has_default", &state.default.is_some())
            .finish()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // Stops accepting; dropping `_shutdown` right after stops the connection tasks.
        self.accept.abort();
    }
}

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("openai-mock dropped the connection")
    }
}

impl StdError for DropConnection {}

impl WsLog for Shared {
    fn message(&self, message: WsMessage) {
        let mut state = self.lock();
        if state.record {
            state.ws_messages.push(message);
        }
    }

    fn closed(&self, connection: usize, code: Option<u16>) {
        let mut state = self.lock();
        if state.record {
            state.ws_closes.push((connection, code));
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-updated in a way
        // that matters to a test double, so poisoning is ignored.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, shutdown: watch::Receiver<()>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: let other tasks finish, then retry.
            Err(_) => {
                tokio::task::yield_now().await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(Arc::clone(&shared), request));
            let connection = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::select! {
                _ = connection => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<MockBody>, DropConnection> {
    let (mut parts, body) = request.into_parts();
    let on_upgrade = parts.extensions.remove::<OnUpgrade>();
    let handshake = handshake(&parts.method, &parts.headers);
    let declared_too_large = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|len| len > MAX_REQUEST_BODY as u64);
    let body = if declared_too_large {
        None
    } else {
        match Limited::new(body, MAX_REQUEST_BODY).collect().await {
            Ok(collected) => Some(collected.to_bytes()),
            Err(e) if e.is::<LengthLimitError>() => None,
            // The client went away mid-body: nobody is left to answer.
            Err(_) => return Err(DropConnection),
        }
    };
    let method = parts.method;
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (n, picked) = {
        let mut state = shared.lock();
        state.served += 1;
        let n = state.served;
        if state.record {
            let recorded = RecordedRequest::new(
                method.clone(),
                path.clone(),
                query.clone(),
                parts.headers,
                body.clone().unwrap_or_default(),
            );
            state.requests.push(recorded);
        }
        let picked = if body.is_none() {
            None
        } else {
            let route = route(&path);
            // A handshake takes the front of the queue; any other request the first mock.
            let queued = match handshake {
                Handshake::Valid { .. } => state.queue.pop_front(),
                _ => state
                    .queue
                    .iter()
                    .position(|q| matches!(q, Queued::Http(_)))
                    .and_then(|at| state.queue.remove(at)),
            };
            match queued {
                Some(Queued::Http(mock)) => Some(Pick::Http(mock)),
                Some(Queued::Ws(script)) => Some(Pick::Ws(Play::Script(script))),
                None => state
                    .paths
                    .iter()
                    .rev()
                    .find(|p| p.method == method && match_template(&p.template, route).is_some())
                    .map(|p| p.mock.clone())
                    .or_else(|| state.default.clone())
                    .map(Pick::Http)
                    .or_else(|| match &handshake {
                        Handshake::No => None,
                        Handshake::Invalid(why) => {
                            Some(Pick::Http(Mock::error(400).error_message(format!(
                                "Invalid WebSocket handshake (openai-mock): {why}."
                            ))))
                        }
                        Handshake::Valid { .. } => Some(
                            websocket::builtin(route, query.as_deref())
                                .map_or_else(no_websocket, Pick::Ws),
                        ),
                    }),
            }
        };
        (n, picked)
    };
    let mock = match (picked, body) {
        (Some(Pick::Http(mock)), _) => mock,
        (Some(Pick::Ws(play)), _) => return Ok(upgrade(&shared, handshake, on_upgrade, play, n)),
        (None, Some(body)) => model::answer(&RequestView {
            method: &method,
            path: &path,
            query: query.as_deref(),
            content_type: content_type.as_deref(),
            body: &body,
        }),
        (None, None) => too_large(),
    };
    respond(mock, n).await
}

/// The 404 of a WebSocket handshake to a path without a WebSocket endpoint.
fn no_websocket() -> Pick {
    Pick::Http(Mock::error(404).error_message(
        "This path has no WebSocket endpoint (openai-mock): try /v1/realtime or /v1/responses.",
    ))
}

/// Reads the WebSocket handshake headers of a request.
fn handshake(method: &Method, headers: &HeaderMap) -> Handshake {
    let has_token = |name, token: &str| {
        headers.get_all(name).iter().any(|value| {
            value
                .to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    if !has_token(UPGRADE, "websocket") {
        return Handshake::No;
    }
    if method != Method::GET {
        return Handshake::Invalid("the method must be GET");
    }
    if !has_token(CONNECTION, "upgrade") {
        return Handshake::Invalid("no 'Connection: Upgrade' header");
    }
    if headers
        .get(SEC_WEBSOCKET_VERSION)
        .map(HeaderValue::as_bytes)
        != Some(b"13")
    {
        return Handshake::Invalid("'Sec-WebSocket-Version' must be 13");
    }
    let Some(key) = headers.get(SEC_WEBSOCKET_KEY) else {
        return Handshake::Invalid("no 'Sec-WebSocket-Key' header");
    };
    // Echo the first subprotocol the client offers, as the API does.
    let protocol = headers
        .get(SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .and_then(|p| HeaderValue::from_str(p).ok());
    Handshake::Valid {
        accept: derive_accept_key(key.as_bytes()),
        protocol,
    }
}

/// Answers a valid handshake with `101 Switching Protocols` and plays `play` on the
/// upgraded connection, on a task of its own.
fn upgrade(
    shared: &Arc<Shared>,
    handshake: Handshake,
    on_upgrade: Option<OnUpgrade>,
    play: Play,
    n: u64,
) -> Response<MockBody> {
    let (Handshake::Valid { accept, protocol }, Some(on_upgrade)) = (handshake, on_upgrade) else {
        // Unreachable: only valid handshakes pick a WebSocket answer, and hyper offers the
        // upgrade of every request with `Connection: Upgrade`.
        return match Mock::error(400).into_response(n) {
            Ok(response) => response,
            Err(_) => Response::new(MockBody::full(bytes::Bytes::new())),
        };
    };
    let connection = {
        let mut state = shared.lock();
        let connection = state.ws_connections;
        state.ws_connections += 1;
        connection
    };
    let log: Arc<dyn WsLog> = Arc::clone(shared) as Arc<dyn WsLog>;
    tokio::spawn(websocket::serve(
        on_upgrade,
        play,
        log,
        connection,
        shared.shutdown.clone(),
    ));
    let mut response = Response::new(MockBody::full(bytes::Bytes::new()));
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&accept) {
        headers.insert(SEC_WEBSOCKET_ACCEPT, accept);
    }
    if let Some(protocol) = protocol {
        headers.insert(SEC_WEBSOCKET_PROTOCOL, protocol);
    }
    if let Ok(id) = HeaderValue::from_str(&format!("req_mock_{n}")) {
        headers.insert("x-request-id", id);
    }
    response
}

async fn respond(mock: Mock, n: u64) -> Result<Response<MockBody>, DropConnection> {
    if let Some(delay) = mock.delay_before() {
        tokio::time::sleep(delay).await;
    }
    match mock.into_response(n) {
        Ok(response) => Ok(response),
        Err(Fault::DropConnection) => Err(DropConnection),
        Err(Fault::Stall) => std::future::pending().await,
    }
}

fn too_large() -> Mock {
    Mock::error(413).error_message(format!(
        "The request body exceeds the mock server's limit of {MAX_REQUEST_BODY} bytes."
    ))
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::Method;

    use super::*;

    /// Reads the answer of `method` `path` with body `body` from the built-in model, for unit
    /// tests of the routing without sockets.
    fn model_answer(method: Method, path: &str, body: &'static [u8]) -> Response<MockBody> {
        let request = RequestView {
            method: &method,
            path,
            query: None,
            content_type: Some("application/json"),
            body: &Bytes::from_static(body),
        };
        match model::answer(&request).into_response(1) {
            Ok(response) => response,
            other => panic!("expected a response, got {other:?}"),
        }
    }

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn server_is_send_and_sync() {
        assert_send_sync::<MockServer>();
        assert_send_sync::<Mock>();
        assert_send_sync::<RecordedRequest>();
    }

    #[tokio::test]
    async fn model_routes_with_and_without_prefix() {
        for path in ["/v1/models", "/models", "/v1/models/"] {
            let response = model_answer(Method::GET, path, b"");
            assert_eq!(response.status(), 200, "{path}");
            let body = response.into_body().collect().await.unwrap().to_bytes();
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(json["data"][0]["id"], "gpt-4o-mock");
        }
        let response = model_answer(Method::POST, "/v1/chat/completions", b"{not json");
        assert_eq!(response.status(), 400);
        let response = model_answer(Method::PUT, "/v1/chat/completions", b"{}");
        assert_eq!(response.status(), 404);
    }
}
