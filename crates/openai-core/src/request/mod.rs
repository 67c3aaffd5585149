//! Request values: what every resource method returns.
//!
//! A [`Request`] holds the [`Prepared`] call (or the error that preparing it
//! produced) and per-call options. Awaiting it sends the call through the
//! client's stack; nothing happens before. Setters never panic: a bad value
//! is reported by `.await`.

mod decode;
mod future;
mod raw;
mod streamed;

use std::fmt;
use std::future::IntoFuture;

use bytes::Bytes;
use http::Method;
use http::header::HeaderValue;
use openai_transport::auth::AuthScope;
use openai_transport::headers::{IDEMPOTENCY_KEY, OmitHeaders, X_STAINLESS_RAW_RESPONSE};
use openai_transport::redirect::FollowRedirects;
use openai_transport::retry::MaxRetries;
use openai_transport::timeout::{AttemptTimeout, IdleTimeout, ResponseMode};
use openai_transport::{Body, HttpRequest, HttpResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tower::util::Oneshot;

use crate::Client;
use crate::client::{HasOptions, RequestOptions, TimeoutSetting, per_call_setters};
use crate::endpoint::{Payload, Prepared};
use crate::error::{Error, InvalidRequestError};
use crate::route::{Route, RouteRequest};
use openai_types::ResponseMeta;

#[cfg_attr(
    not(feature = "full"),
    allow(
        unused_imports,
        reason = "the generated methods of the groups that are on use some"
    )
)]
pub(crate) use decode::{
    BODY_START, body_start, decode_binary, decode_empty, decode_json, decode_stream, decode_text,
    from_json_bytes,
};
pub use future::ResponseFuture;
use future::{Finish, SendFuture};
pub use raw::{RawRequest, RawResponse, RawResponseFuture};
pub use streamed::{StreamedResponse, StreamedResponseFuture, StreamingRequest};

/// Turns a successful response into the call's result.
pub(crate) type Decode<T> = fn(HttpResponse) -> Result<T, Error>;

/// Hands a decoded value what it needs to make the next call (a page, its
/// next page).
pub(crate) type Keep<T> = fn(&mut T, Origin);

/// The call a value came from (a page keeps it to fetch the next one): the
/// client, the prepared request and the per-call options.
#[derive(Debug, Clone)]
pub struct Origin {
    pub(crate) client: Client,
    pub(crate) prepared: Prepared,
    pub(crate) options: RequestOptions,
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
    keep: Option<Keep<T>>,
}

impl<T> HasOptions for Request<T> {
    fn options_mut(&mut self) -> &mut RequestOptions {
        &mut self.options
    }
}

impl<T> Request<T> {
    /// A request of `client` for `prepared`, whose answer `decode` reads.
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
            keep: None,
        }
    }

    /// As [`new`](Self::new), and the decoded value gets the call's
    /// [`Origin`] through `keep`.
    #[cfg_attr(
        not(feature = "full"),
        allow(dead_code, reason = "only list operations keep their origin")
    )]
    pub(crate) fn keeping(
        client: &Client,
        prepared: Result<Prepared, Error>,
        decode: Decode<T>,
        keep: Keep<T>,
    ) -> Self {
        let mut request = Self::new(client, prepared, decode);
        request.keep = Some(keep);
        request
    }

    /// A request repeating `origin` (its options included).
    pub(crate) fn from_origin(origin: Origin, decode: Decode<T>, keep: Option<Keep<T>>) -> Self {
        Self {
            client: origin.client,
            prepared: Ok(origin.prepared),
            options: origin.options,
            decode,
            keep,
        }
    }

    per_call_setters!();

    /// Applies a whole set of options.
    pub fn options(mut self, options: &RequestOptions) -> Self {
        self.options = self.options.merged(options);
        self
    }

    /// Sets the JSON body (for [`Client::post`] and friends): any
    /// `Serialize` value, owned (`json!({..})`) or borrowed (`&params`).
    pub fn body<B: Serialize>(mut self, body: B) -> Self {
        self.prepared = self.prepared.and_then(|p| p.json(&body));
        self
    }

    /// Returns the raw response (status, headers, request id, retries) and
    /// decodes the body only when asked to, with [`RawResponse::parse`].
    pub fn with_raw_response(self) -> RawRequest<T> {
        RawRequest(self)
    }

    /// Returns the response as soon as its status and headers arrive, with
    /// the body unread: read it whole, line by line, as a byte stream, to a
    /// file, or [`parse`](StreamedResponse::parse) it as the call would
    /// have. Nothing is buffered by the client, whatever the endpoint.
    ///
    /// ```no_run
    /// # use openai_core::{Client, types::chat::{ChatCompletionCreateParams, ChatMessage}};
    /// # async fn run(client: Client) -> Result<(), openai_core::Error> {
    /// use futures_util::StreamExt as _;
    ///
    /// let params = ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Hi")]);
    /// let resp = client.chat().completions().create(params).with_streaming_response().await?;
    /// println!("{} {:?}", resp.status(), resp.request_id());
    /// let mut lines = resp.lines();
    /// while let Some(line) = lines.next().await {
    ///     println!("{}", line?);
    /// }
    /// # Ok(()) }
    /// # let _ = run;
    /// ```
    pub fn with_streaming_response(self) -> StreamingRequest<T> {
        StreamingRequest(self)
    }

    /// The prepared request, or the error preparing it gave.
    pub fn prepared(&self) -> Result<&Prepared, &Error> {
        self.prepared.as_ref()
    }

    fn send(self, raw: bool) -> SendFuture {
        self.send_with(if raw { Marker::Raw } else { Marker::None })
    }

    fn send_with(self, marker: Marker) -> SendFuture {
        let service = self.client.service().clone();
        match self.prepared {
            Ok(prepared) => match build(&self.client, prepared, &self.options, marker) {
                Ok(req) => SendFuture::Sending(Oneshot::new(service, req)),
                Err(e) => SendFuture::Failed(Some(e)),
            },
            Err(e) => SendFuture::Failed(Some(e)),
        }
    }

    /// How the response will become the value: the decoder, and for a
    /// value that keeps its origin (a page), a copy of this call.
    fn finish(&self) -> Finish<T> {
        let keep = self.keep.and_then(|keep| {
            let origin = Origin {
                client: self.client.clone(),
                prepared: self.prepared.as_ref().ok()?.clone(),
                options: self.options.clone(),
            };
            Some((keep, origin))
        });
        Finish::new(self.decode, keep)
    }
}

/// The query of a request: the client's default query first (the keys the
/// request and the call do not set), then the endpoint's, then the call's;
/// a later key replaces an earlier one.
fn merge_query(
    client: &[(String, String)],
    endpoint: Vec<(String, String)>,
    call: &[(String, String)],
) -> Vec<(String, String)> {
    if client.is_empty() && call.is_empty() {
        return endpoint;
    }
    let mut query = Vec::with_capacity(client.len() + endpoint.len() + call.len());
    let named = |key: &str, list: &[(String, String)]| list.iter().any(|(k, _)| k == key);
    for (k, v) in client {
        if !named(k, &endpoint) && !named(k, call) {
            query.push((k.clone(), v.clone()));
        }
    }
    query.extend(endpoint.into_iter().filter(|(k, _)| !named(k, call)));
    query.extend(call.iter().cloned());
    query
}

/// How the caller reads the response: the `X-Stainless-Raw-Response` value
/// (reference/client.md 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// An ordinary call: no marker.
    None,
    /// `with_raw_response`: `true`.
    Raw,
    /// `with_streaming_response`: `stream`; the body is not buffered.
    Stream,
}

/// The HTTP request of `prepared` under the client's defaults and `call`,
/// for callers that send it themselves (the WebSocket handshake).
#[cfg(feature = "websocket")]
pub(crate) fn build_http(
    client: &Client,
    prepared: Prepared,
    call: &RequestOptions,
) -> Result<HttpRequest, Error> {
    build(client, prepared, call, Marker::None)
}

/// The HTTP request of `prepared` under the client's defaults and the
/// per-call options `call`.
fn build(
    client: &Client,
    mut prepared: Prepared,
    call: &RequestOptions,
    marker: Marker,
) -> Result<HttpRequest, Error> {
    // Most calls set no per-call option: use the client's defaults as they are.
    let merged;
    let options = if call.is_empty() {
        client.defaults()
    } else {
        merged = client.defaults().merged(call);
        &merged
    };
    options.check()?;
    let mut body = prepared.body;
    if let Some(extra) = &options.extra_body {
        body = match body {
            Payload::Json(bytes) => {
                let body = (!bytes.is_empty()).then_some(&bytes[..]);
                Payload::Json(merge_extra_body(body, extra)?)
            }
            Payload::Multipart(_) => {
                return Err(Error::InvalidRequest(InvalidRequestError::new(
                    "extra_body applies to JSON bodies, not to multipart uploads",
                )));
            }
        };
    }
    if prepared.method == Method::GET {
        // reference/client.md 7: GET requests carry no body.
        body = Payload::Json(Bytes::new());
    }
    // A call may drop parameters of the default query (`omit_query`); a
    // copy's defaults have them dropped already.
    let defaults_kept;
    let defaults = if call.omit_query.is_empty() {
        &client.defaults().query
    } else {
        defaults_kept = client
            .defaults()
            .query
            .iter()
            .filter(|(k, _)| !call.omit_query.contains(k))
            .cloned()
            .collect::<Vec<_>>();
        &defaults_kept
    };
    let mut query = merge_query(defaults, prepared.query, &call.query);
    let genai = crate::telemetry::request(&prepared.method, &prepared.path, &body);
    let mut route = match client.router() {
        None => Route::Keep,
        Some(router) => {
            let websocket = prepared
                .headers
                .get(http::header::UPGRADE)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
            let request = match &body {
                Payload::Json(bytes) => RouteRequest::json(&prepared.method, &prepared.path, bytes),
                Payload::Multipart(form) => {
                    RouteRequest::multipart(&prepared.method, &prepared.path, form.model.as_deref())
                }
            };
            router.route(&request.with_query(&query, websocket))
        }
    };
    while let Route::WithQuery(inner, replaced) = route {
        query = replaced;
        route = *inner;
    }
    let uri = match route {
        Route::Path(path) => client.base().uri(&path, None, &query)?,
        Route::Url(url) => crate::url::build_uri("", &url, &query)?,
        Route::Reject(message) => {
            return Err(Error::InvalidRequest(InvalidRequestError::new(message)));
        }
        _ => client.base().uri(&prepared.path, prepared.slot, &query)?,
    };
    let (body, content_type) = match body {
        Payload::Json(bytes) => (Body::from_bytes(bytes), None),
        Payload::Multipart(form) => {
            let form = *form;
            (form.body, Some(form.content_type))
        }
    };
    let mut req = http::Request::new(body);
    *req.method_mut() = prepared.method;
    *req.uri_mut() = uri;
    // `Content-Type: application/json` is a default header of the stack
    // (not added to GET requests).
    let headers = req.headers_mut();
    for (k, v) in &prepared.headers {
        headers.insert(k.clone(), v.clone());
    }
    if let Some(content_type) = content_type {
        headers.insert(http::header::CONTENT_TYPE, content_type);
    }
    match marker {
        Marker::None => {}
        Marker::Raw => {
            headers.insert(X_STAINLESS_RAW_RESPONSE, HeaderValue::from_static("true"));
        }
        Marker::Stream => {
            headers.insert(X_STAINLESS_RAW_RESPONSE, HeaderValue::from_static("stream"));
            prepared.mode = ResponseMode::Streaming;
        }
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
    let stack = client.stack_defaults();
    let ext = req.extensions_mut();
    if let Some(genai) = genai {
        ext.insert(genai);
    }
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
    if options.idle_timeout != stack.idle_timeout {
        if let Some(idle) = options.idle_timeout {
            ext.insert(IdleTimeout(idle.get()));
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
        let finish = self.finish();
        ResponseFuture::new(self.send(false), finish)
    }
}

impl Client {
    /// A `GET` to any path (undocumented endpoints). `T` is often
    /// `serde_json::Value`.
    pub fn get<T: DeserializeOwned + ResponseMeta>(&self, path: &str) -> Request<T> {
        self.custom(Method::GET, path)
    }

    /// A `POST` to any path; set the body with [`Request::body`].
    pub fn post<T: DeserializeOwned + ResponseMeta>(&self, path: &str) -> Request<T> {
        self.custom(Method::POST, path)
    }

    /// A `PUT` to any path.
    pub fn put<T: DeserializeOwned + ResponseMeta>(&self, path: &str) -> Request<T> {
        self.custom(Method::PUT, path)
    }

    /// A `PATCH` to any path.
    pub fn patch<T: DeserializeOwned + ResponseMeta>(&self, path: &str) -> Request<T> {
        self.custom(Method::PATCH, path)
    }

    /// A `DELETE` to any path.
    pub fn delete<T: DeserializeOwned + ResponseMeta>(&self, path: &str) -> Request<T> {
        self.custom(Method::DELETE, path)
    }

    fn custom<T: DeserializeOwned + ResponseMeta>(&self, method: Method, path: &str) -> Request<T> {
        Request::new(
            self,
            Ok(Prepared::custom(method, path.to_owned())),
            decode_json::<T>,
        )
    }
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
