//! Request values: what every resource method returns.
//!
//! A [`Request`] holds the prepared call (or the error that preparing it
//! produced) and per-call options. Awaiting it sends the call; nothing
//! happens before. Setters never panic: a bad value is reported by `.await`.

use std::borrow::Cow;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use openai_transport::auth::AuthScope;
use openai_transport::headers::{IDEMPOTENCY_KEY, OmitHeaders, X_STAINLESS_RAW_RESPONSE};
use openai_transport::redirect::FollowRedirects;
use openai_transport::request_id::request_id;
use openai_transport::retry::{MaxRetries, RetriesTaken};
use openai_transport::timeout::{AttemptTimeout, ResponseMode};
use openai_transport::{Body, HttpRequest, HttpResponse, StackService};
use pin_project::pin_project;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tower::util::Oneshot;

use crate::Client;
use crate::client::{RequestOptions, TimeoutSetting};
use crate::error::{ApiError, DecodeError, Error, InvalidRequestError};
use crate::sse::Stream;
use openai_types::ResponseMeta;

/// Turns a successful response into the call's result.
pub(crate) type Decode<T> = fn(HttpResponse) -> Result<T, Error>;

/// What a resource method prepared: everything but the per-call options.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) method: Method,
    // Borrowed for the fixed paths of most endpoints: no allocation.
    pub(crate) path: Cow<'static, str>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<Bytes>,
    pub(crate) mode: ResponseMode,
    pub(crate) scope: AuthScope,
    pub(crate) headers: HeaderMap,
}

impl Prepared {
    pub(crate) fn new(method: Method, path: impl Into<Cow<'static, str>>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            mode: ResponseMode::Buffered,
            scope: AuthScope::ApiKey,
            headers: HeaderMap::new(),
        }
    }

    /// Serializes `body` as the JSON body.
    pub(crate) fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = crate::json::to_vec(body).map_err(|e| {
            Error::InvalidRequest(InvalidRequestError::new(format!(
                "the request body cannot be serialized: {e}"
            )))
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    pub(crate) fn streaming(mut self) -> Self {
        self.mode = ResponseMode::Streaming;
        self
    }
}

/// A call to the API, sent when awaited.
///
/// Per-call options ([`timeout`](Self::timeout), [`max_retries`](Self::max_retries),
/// [`header`](Self::header), [`query`](Self::query),
/// [`extra_body`](Self::extra_body), [`idempotency_key`](Self::idempotency_key))
/// override the client's for this call only.
#[must_use = "requests do nothing unless awaited"]
pub struct Request<T> {
    client: Client,
    prepared: Result<Prepared, Error>,
    options: RequestOptions,
    decode: Decode<T>,
}

impl<T> Request<T> {
    pub(crate) fn new(
        client: &Client,
        prepared: Result<Prepared, Error>,
        decode: Decode<T>,
    ) -> Self {
        Self {
            client: client.clone(),
            prepared,
            options: RequestOptions::new(),
            decode,
        }
    }

    /// The per-attempt timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options = self.options.timeout(timeout);
        self
    }

    /// No timeout for this call.
    pub fn no_timeout(mut self) -> Self {
        self.options = self.options.no_timeout();
        self
    }

    /// How many times this call may be retried.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.options = self.options.max_retries(n);
        self
    }

    /// Adds a header to this call (Python's `extra_headers`).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        self.options = self.options.header(name, value);
        self
    }

    /// Removes a header the SDK would send on this call.
    pub fn omit_header<K: TryInto<HeaderName>>(mut self, name: K) -> Self {
        self.options = self.options.omit_header(name);
        self
    }

    /// Adds a query parameter to this call (Python's `extra_query`).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options = self.options.query(name, value);
        self
    }

    /// Merges fields into the JSON body (Python's `extra_body`).
    pub fn extra_body(mut self, body: Value) -> Self {
        self.options = self.options.extra_body(body);
        self
    }

    /// Sends `Idempotency-Key: <key>`, the same on every attempt.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options = self.options.idempotency_key(key);
        self
    }

    /// Whether to follow redirects for this call (default `true`).
    pub fn follow_redirects(mut self, follow: bool) -> Self {
        self.options = self.options.follow_redirects(follow);
        self
    }

    /// Applies a whole set of options.
    pub fn options(mut self, options: &RequestOptions) -> Self {
        self.options = self.options.merged(options);
        self
    }

    /// Sets the JSON body (for [`Client::post`] and friends).
    pub fn body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.prepared = self.prepared.and_then(|p| p.json(body));
        self
    }

    /// Returns the raw response (status, headers, request id, retries) and
    /// decodes the body only when asked to, with [`RawResponse::parse`].
    pub fn with_raw_response(self) -> RawRequest<T> {
        RawRequest(self)
    }

    fn send(self, raw: bool) -> SendFuture {
        let service = self.client.service().clone();
        match self.build(raw) {
            Ok(req) => SendFuture::Sending(Oneshot::new(service, req)),
            Err(e) => SendFuture::Failed(Some(e)),
        }
    }

    fn build(self, raw: bool) -> Result<HttpRequest, Error> {
        let prepared = self.prepared?;
        // Most calls set no per-call option: use the client's defaults as they are.
        let merged;
        let options = if self.options.is_empty() {
            self.client.defaults()
        } else {
            merged = self.client.defaults().merged(&self.options);
            &merged
        };
        options.check()?;
        let mut body = prepared.body.clone();
        if let Some(extra) = &options.extra_body {
            body = Some(merge_extra_body(body.as_deref(), extra)?);
        }
        let is_get = prepared.method == Method::GET;
        if is_get {
            // reference/client.md 7: GET requests carry no body.
            body = None;
        }
        let mut query = prepared.query.clone();
        for (k, v) in &options.query {
            query.retain(|(qk, _)| qk != k);
            query.push((k.clone(), v.clone()));
        }
        let uri = self.client.base().uri(&prepared.path, &query)?;
        let mut req = http::Request::new(body.map_or_else(Body::empty, Body::from_bytes));
        *req.method_mut() = prepared.method;
        *req.uri_mut() = uri;
        // `Content-Type: application/json` is a default header of the stack
        // (not added to GET requests).
        let headers = req.headers_mut();
        for (k, v) in &prepared.headers {
            headers.insert(k.clone(), v.clone());
        }
        if raw {
            headers.insert(X_STAINLESS_RAW_RESPONSE, HeaderValue::from_static("true"));
        }
        if let Some(key) = &options.idempotency_key {
            let value = HeaderValue::from_str(key).map_err(|_| {
                Error::InvalidRequest(InvalidRequestError::new(
                    "the idempotency key cannot be sent as a header",
                ))
            })?;
            headers.insert(IDEMPOTENCY_KEY, value);
        }
        for (k, v) in &options.headers {
            headers.insert(k.clone(), v.clone());
        }
        for name in &options.omit {
            headers.remove(name);
        }
        // Only what differs from what the stack does anyway: every extension
        // costs an allocation.
        let stack = self.client.stack_defaults();
        let ext = req.extensions_mut();
        if prepared.mode != ResponseMode::default() {
            ext.insert(prepared.mode);
        }
        if prepared.scope != AuthScope::default() {
            ext.insert(prepared.scope);
        }
        if let Some(t) = options.timeout.map(TimeoutSetting::get) {
            if t != stack.timeout {
                ext.insert(AttemptTimeout(t));
            }
        }
        if let Some(n) = options.max_retries {
            if n != stack.max_retries {
                ext.insert(MaxRetries(n));
            }
        }
        if let Some(follow) = options.follow_redirects {
            ext.insert(FollowRedirects(follow));
        }
        if !options.omit.is_empty() {
            let mut omit = OmitHeaders::new();
            for name in &options.omit {
                omit.insert(name.clone());
            }
            ext.insert(omit);
        }
        Ok(req)
    }
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Request");
        match &self.prepared {
            Ok(p) => d.field("method", &p.method).field("path", &p.path),
            Err(e) => d.field("error", e),
        };
        d.finish_non_exhaustive()
    }
}

impl<T: 'static> IntoFuture for Request<T> {
    type Output = Result<T, Error>;
    type IntoFuture = ResponseFuture<T>;

    fn into_future(self) -> ResponseFuture<T> {
        let decode = self.decode;
        ResponseFuture {
            inner: self.send(false),
            decode,
        }
    }
}

/// The future of an awaited [`Request`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture<T> {
    #[pin]
    inner: SendFuture,
    decode: Decode<T>,
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let resp = ready!(this.inner.poll(cx))?;
        Poll::Ready((this.decode)(resp))
    }
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

/// Sends the request; maps transport errors and error statuses.
#[allow(
    clippy::large_enum_variant,
    reason = "lives inside the awaited future; boxing would add an allocation per call"
)]
#[pin_project(project = SendProj)]
enum SendFuture {
    Failed(Option<Error>),
    Sending(#[pin] Oneshot<StackService, HttpRequest>),
}

impl Future for SendFuture {
    type Output = Result<HttpResponse, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            SendProj::Failed(e) => Poll::Ready(Err(e.take().expect("polled after completion"))),
            SendProj::Sending(fut) => {
                let resp = ready!(fut.poll(cx)).map_err(Error::from_transport)?;
                if resp.status().is_success() {
                    return Poll::Ready(Ok(resp));
                }
                let (parts, body) = resp.into_parts();
                // Error bodies are buffered by the timeout layer: no copy.
                let raw = body.into_bytes().unwrap_or_default();
                Poll::Ready(Err(Error::Api(ApiError::from_response(
                    parts.status,
                    parts.headers,
                    raw,
                ))))
            }
        }
    }
}

/// A [`Request`] that returns a [`RawResponse`].
#[must_use = "requests do nothing unless awaited"]
#[derive(Debug)]
pub struct RawRequest<T>(Request<T>);

impl<T: 'static> IntoFuture for RawRequest<T> {
    type Output = Result<RawResponse<T>, Error>;
    type IntoFuture = RawResponseFuture<T>;

    fn into_future(self) -> RawResponseFuture<T> {
        let decode = self.0.decode;
        RawResponseFuture {
            inner: self.0.send(true),
            decode: Some(decode),
        }
    }
}

/// The future of an awaited [`RawRequest`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct RawResponseFuture<T> {
    #[pin]
    inner: SendFuture,
    decode: Option<Decode<T>>,
}

impl<T> Future for RawResponseFuture<T> {
    type Output = Result<RawResponse<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let resp = ready!(this.inner.poll(cx))?;
        let decode = this.decode.take().expect("polled after completion");
        Poll::Ready(Ok(RawResponse { resp, decode }))
    }
}

impl<T> fmt::Debug for RawResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponseFuture").finish_non_exhaustive()
    }
}

/// A response before decoding: status, headers, and the body on demand.
pub struct RawResponse<T> {
    resp: HttpResponse,
    decode: Decode<T>,
}

impl<T> RawResponse<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.resp.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.resp.headers()
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.resp)
    }

    /// How many retries the call took.
    pub fn retries_taken(&self) -> u32 {
        RetriesTaken::of(&self.resp)
    }

    /// The body, when it was read whole (every non-streaming call).
    pub fn bytes(&self) -> Option<&[u8]> {
        self.resp.body().as_bytes()
    }

    /// The body as text, when it was read whole.
    pub fn text(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.bytes().map(String::from_utf8_lossy)
    }

    /// Decodes the body as the call would have.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body is not what the endpoint promises.
    pub fn parse(self) -> Result<T, Error> {
        (self.decode)(self.resp)
    }
}

impl<T> fmt::Debug for RawResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status())
            .field("request_id", &self.request_id())
            .field("retries_taken", &self.retries_taken())
            .finish_non_exhaustive()
    }
}

/// Decodes a JSON body into `T` and records the request id on it.
pub(crate) fn decode_json<T: DeserializeOwned + ResponseMeta>(
    resp: HttpResponse,
) -> Result<T, Error> {
    let id = request_id(&resp);
    let bytes = resp.body().as_bytes().unwrap_or_default();
    let mut value: T = from_json_bytes(bytes).map_err(|e| {
        Error::Decode(
            DecodeError::new(
                format!("the response body is not the expected JSON: {e}"),
                Some(e),
            )
            .with_request_id(id),
        )
    })?;
    if let Some(id) = id {
        value.set_request_id(id);
    }
    Ok(value)
}

/// Parses JSON from bytes. The bytes are checked as UTF-8 once, in one pass,
/// and parsed as `str`, so serde_json does not check every string it meets
/// again (a check per string costs more than one over the whole body). Bytes
/// that are not UTF-8 go through `from_slice`, whose error says where.
pub(crate) fn from_json_bytes<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}

/// Turns an SSE response into a [`Stream`] that must end with `[DONE]`.
pub(crate) fn decode_stream<T>(resp: HttpResponse) -> Result<Stream<T>, Error> {
    let id = request_id(&resp).map(str::to_owned);
    Ok(Stream::new(resp.into_body(), true, id))
}

/// reference/client.md 7: `extra_body` is merged over the top level of the
/// JSON body; without a body it becomes the body.
fn merge_extra_body(body: Option<&[u8]>, extra: &Value) -> Result<Bytes, Error> {
    let merged = match body {
        None => extra.clone(),
        Some(bytes) => {
            let mut value: Value = serde_json::from_slice(bytes).map_err(|e| {
                Error::InvalidRequest(InvalidRequestError::new(format!(
                    "the body is not JSON: {e}"
                )))
            })?;
            match (&mut value, extra) {
                (Value::Object(map), Value::Object(extra)) => {
                    for (k, v) in extra {
                        map.insert(k.clone(), v.clone());
                    }
                }
                _ => {
                    return Err(Error::InvalidRequest(InvalidRequestError::new(
                        "extra_body can only be merged into a JSON object body",
                    )));
                }
            }
            value
        }
    };
    Ok(Bytes::from(
        serde_json::to_vec(&merged).expect("a Value always serializes"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extra_body_merges_top_level_keys() {
        let merged =
            merge_extra_body(Some(br#"{"foo":"bar","baz":true}"#), &json!({"baz": null})).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&merged).unwrap(),
            json!({"foo": "bar", "baz": null})
        );
        let merged = merge_extra_body(None, &json!({"baz": false})).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&merged).unwrap(),
            json!({"baz": false})
        );
        assert!(merge_extra_body(Some(b"[1]"), &json!({"a": 1})).is_err());
    }
}
