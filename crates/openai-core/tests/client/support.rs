//! Shared helpers: the test client, request parameters, error extraction and
//! a recording tower layer.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use http::HeaderMap;
use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
use openai_core::{ApiError, Client, ClientBuilder, Error};
use openai_mock::{MockServer, RecordedRequest};
use openai_transport::{BoxError, HttpRequest, HttpResponse};
use tokio::time::Instant;
use tower::{Layer, Service};

/// The key of the upstream fixtures.
pub(crate) const API_KEY: &str = "My API Key";

/// A builder pointed at `server` with the fixture key.
pub(crate) fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder().api_key(API_KEY).base_url(server.url())
}

/// A default client (2 retries, 600 s) pointed at `server`.
pub(crate) fn test_client(server: &MockServer) -> Client {
    builder(server).build().expect("the test client builds")
}

/// A client pointed at `server` that never retries.
pub(crate) fn no_retry_client(server: &MockServer) -> Client {
    builder(server)
        .max_retries(0)
        .build()
        .expect("the test client builds")
}

/// A minimal chat request.
pub(crate) fn params() -> ChatCompletionCreateParams {
    ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Say this is a test")])
}

/// The API error inside `err`, or a panic naming what came instead.
#[track_caller]
pub(crate) fn api_error(err: Error) -> ApiError {
    match err {
        Error::Api(e) => e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// The value of header `name` on every recorded request, in order.
pub(crate) fn header_values(requests: &[RecordedRequest], name: &str) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|r| r.header(name).map(str::to_owned))
        .collect()
}

/// What a [`Recorder`] saw of one attempt.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    pub(crate) at: Instant,
    pub(crate) headers: HeaderMap,
}

/// A user layer (`ClientBuilder::layer`) that records every attempt it sees.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recorder {
    seen: Arc<Mutex<Vec<Attempt>>>,
}

impl Recorder {
    /// The attempts seen so far.
    pub(crate) fn attempts(&self) -> Vec<Attempt> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl<S> Layer<S> for Recorder {
    type Service = RecorderService<S>;

    fn layer(&self, inner: S) -> RecorderService<S> {
        RecorderService {
            inner,
            seen: Arc::clone(&self.seen),
        }
    }
}

/// The service of [`Recorder`].
#[derive(Debug, Clone)]
pub(crate) struct RecorderService<S> {
    inner: S,
    seen: Arc<Mutex<Vec<Attempt>>>,
}

impl<S> Service<HttpRequest> for RecorderService<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: HttpRequest) -> S::Future {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Attempt {
                at: Instant::now(),
                headers: req.headers().clone(),
            });
        self.inner.call(req)
    }
}

/// A user layer that sends every request to `addr` over plain HTTP instead of
/// its host, adding `x-original-host` (tests of where a request was meant to go).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetargetLayer {
    addr: std::net::SocketAddr,
}

impl RetargetLayer {
    pub(crate) fn new(addr: std::net::SocketAddr) -> Self {
        Self { addr }
    }
}

impl<S> Layer<S> for RetargetLayer {
    type Service = Retarget<S>;

    fn layer(&self, inner: S) -> Retarget<S> {
        Retarget {
            inner,
            addr: self.addr,
        }
    }
}

/// The service of [`RetargetLayer`].
#[derive(Debug, Clone)]
pub(crate) struct Retarget<S> {
    inner: S,
    addr: std::net::SocketAddr,
}

impl<S> Service<HttpRequest> for Retarget<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: HttpRequest) -> S::Future {
        let host = req.uri().host().unwrap_or_default().to_owned();
        let path = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        *req.uri_mut() = format!("http://{}{path}", self.addr).parse().unwrap();
        req.headers_mut()
            .insert("x-original-host", host.parse().unwrap());
        self.inner.call(req)
    }
}
