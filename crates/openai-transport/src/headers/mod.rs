//! Header names of the OpenAI wire protocol, the SDK's default header set, and
//! the layer that adds it to every request.
//!
//! The names and the values' shapes follow `reference/client.md` section 2.
//! [`DefaultHeaders`] never clobbers: a header the request already carries, or
//! one listed in the request's [`OmitHeaders`] extension, is left alone, so a
//! caller's per-request header always wins over the defaults. A default
//! `Content-Type` is not added to `GET` requests, which carry no body.

mod platform;

use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{CONTENT_TYPE, HeaderName};
use http::{HeaderMap, HeaderValue, Method};
use tower::{Layer, Service};

use crate::HttpRequest;

pub use platform::{PlatformInfo, arch_name, os_name};

/// `x-stainless-retry-count`: the attempt index, `0` on the first attempt.
pub const X_STAINLESS_RETRY_COUNT: HeaderName = HeaderName::from_static("x-stainless-retry-count");
/// `x-stainless-read-timeout`: the effective per-attempt timeout in seconds.
pub const X_STAINLESS_READ_TIMEOUT: HeaderName =
    HeaderName::from_static("x-stainless-read-timeout");
/// `x-stainless-lang`.
pub const X_STAINLESS_LANG: HeaderName = HeaderName::from_static("x-stainless-lang");
/// `x-stainless-package-version`.
pub const X_STAINLESS_PACKAGE_VERSION: HeaderName =
    HeaderName::from_static("x-stainless-package-version");
/// `x-stainless-os`.
pub const X_STAINLESS_OS: HeaderName = HeaderName::from_static("x-stainless-os");
/// `x-stainless-arch`.
pub const X_STAINLESS_ARCH: HeaderName = HeaderName::from_static("x-stainless-arch");
/// `x-stainless-runtime`.
pub const X_STAINLESS_RUNTIME: HeaderName = HeaderName::from_static("x-stainless-runtime");
/// `x-stainless-runtime-version`.
pub const X_STAINLESS_RUNTIME_VERSION: HeaderName =
    HeaderName::from_static("x-stainless-runtime-version");
/// `x-stainless-async`.
pub const X_STAINLESS_ASYNC: HeaderName = HeaderName::from_static("x-stainless-async");
/// `x-stainless-raw-response`: `true` for raw responses, `stream` for streamed ones.
pub const X_STAINLESS_RAW_RESPONSE: HeaderName =
    HeaderName::from_static("x-stainless-raw-response");
/// `x-stainless-helper-method`: the helper that sent a request
/// (`chat.completions.stream`, ...).
pub const X_STAINLESS_HELPER_METHOD: HeaderName =
    HeaderName::from_static("x-stainless-helper-method");
/// `x-stainless-poll-helper`: `true` on the retrieves of a polling helper.
pub const X_STAINLESS_POLL_HELPER: HeaderName = HeaderName::from_static("x-stainless-poll-helper");
/// `x-stainless-custom-poll-interval`: the caller's polling interval, in ms.
pub const X_STAINLESS_CUSTOM_POLL_INTERVAL: HeaderName =
    HeaderName::from_static("x-stainless-custom-poll-interval");
/// `x-stainless-stream-helper`: the Assistants stream helper that sent a
/// request (`threads.runs.create_and_stream`, ...).
pub const X_STAINLESS_STREAM_HELPER: HeaderName =
    HeaderName::from_static("x-stainless-stream-helper");
/// `x-stainless-custom-event-handler`: `true` when an Assistants stream
/// helper was given an event handler, else `false`.
pub const X_STAINLESS_CUSTOM_EVENT_HANDLER: HeaderName =
    HeaderName::from_static("x-stainless-custom-event-handler");
/// `openai-organization`.
pub const OPENAI_ORGANIZATION: HeaderName = HeaderName::from_static("openai-organization");
/// `openai-project`.
pub const OPENAI_PROJECT: HeaderName = HeaderName::from_static("openai-project");
/// `x-request-id`: the server's id of the request, for support tickets.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// `x-should-retry`: the server's explicit retry advice (`true` / `false`).
pub const X_SHOULD_RETRY: HeaderName = HeaderName::from_static("x-should-retry");
/// `retry-after-ms`: a retry delay in milliseconds.
pub const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");
/// `openai-beta`: the beta features a resource opts into (`assistants=v2`).
pub const OPENAI_BETA: HeaderName = HeaderName::from_static("openai-beta");
/// `idempotency-key`: sent when the caller gives a key; the same on every attempt.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// `openai-poll-after-ms`: the server's suggested polling interval.
pub const OPENAI_POLL_AFTER_MS: HeaderName = HeaderName::from_static("openai-poll-after-ms");
/// `api-key`: Azure's key header.
pub const API_KEY: HeaderName = HeaderName::from_static("api-key");

/// Request extension naming headers the SDK must not add to this request
/// (Python's `Omit`): neither the default headers, nor the retry count, nor
/// the read-timeout header, nor the credential.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OmitHeaders(Vec<HeaderName>);

impl OmitHeaders {
    /// An empty set.
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// Adds `name` to the set.
    pub fn insert(&mut self, name: HeaderName) {
        if !self.0.contains(&name) {
            self.0.push(name);
        }
    }

    /// Whether `name` is in the set.
    pub fn contains(&self, name: &HeaderName) -> bool {
        self.0.contains(name)
    }

    /// Whether `req` must not get `name` from the SDK.
    pub fn is_omitted(req: &HttpRequest, name: &HeaderName) -> bool {
        req.extensions()
            .get::<OmitHeaders>()
            .is_some_and(|o| o.contains(name))
    }

    /// Whether the SDK may add `name` to `req`: the request neither carries it
    /// already nor omits it.
    pub fn may_add(req: &HttpRequest, name: &HeaderName) -> bool {
        !req.headers().contains_key(name) && !Self::is_omitted(req, name)
    }
}

/// Adds a fixed set of headers to every request, without clobbering.
#[derive(Debug, Clone)]
pub struct DefaultHeadersLayer {
    headers: Arc<HeaderMap>,
}

impl DefaultHeadersLayer {
    /// A layer adding `headers`.
    pub fn new(headers: HeaderMap) -> Self {
        // Room for the headers added after the defaults (the request's own,
        // auth, retry count, timeout, host): a request's copy of this map
        // keeps the size of its index, which then never has to grow (its list
        // of entries is copied at its length and grows once).
        let mut map = HeaderMap::with_capacity(headers.len() + SPARE_HEADERS);
        map.extend(headers);
        Self {
            headers: Arc::new(map),
        }
    }
}

impl<S> Layer<S> for DefaultHeadersLayer {
    type Service = DefaultHeaders<S>;

    fn layer(&self, inner: S) -> DefaultHeaders<S> {
        DefaultHeaders {
            inner,
            headers: self.headers.clone(),
        }
    }
}

/// The service of [`DefaultHeadersLayer`].
#[derive(Debug, Clone)]
pub struct DefaultHeaders<S> {
    inner: S,
    // Shared: the service is cloned for every call (the client's boxed stack).
    headers: Arc<HeaderMap>,
}

impl<S> DefaultHeaders<S> {
    /// The headers added.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes the layer, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Service<HttpRequest> for DefaultHeaders<S>
where
    S: Service<HttpRequest>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: HttpRequest) -> Self::Future {
        apply_defaults(&mut req, &self.headers);
        self.inner.call(req)
    }
}

/// Headers a request may gain after the defaults without the map growing.
const SPARE_HEADERS: usize = 16;

fn apply_defaults(req: &mut HttpRequest, defaults: &HeaderMap) {
    if defaults.is_empty() {
        return;
    }
    if req.extensions().get::<OmitHeaders>().is_none() {
        // The common case: start from a copy of the defaults, which hashes
        // none of their names, and put the request's own headers (a few)
        // over it; a name the request sets replaces the default's values.
        let is_get = req.method() == Method::GET;
        let own = std::mem::replace(req.headers_mut(), defaults.clone());
        let target = req.headers_mut();
        if is_get {
            target.remove(CONTENT_TYPE);
        }
        let mut current: Option<HeaderName> = None;
        for (name, value) in own {
            match (name, &current) {
                (Some(name), _) => {
                    target.insert(&name, value);
                    current = Some(name);
                }
                (None, Some(name)) => {
                    target.append(name, value);
                }
                // The iterator names the first value of every header.
                (None, None) => {}
            }
        }
        return;
    }
    // Cloned (rarely present) so the headers can be borrowed mutably below.
    let omit = req.extensions().get::<OmitHeaders>().cloned();
    let is_get = req.method() == Method::GET;
    let target = req.headers_mut();
    target.reserve(defaults.keys_len());
    for name in defaults.keys() {
        if omit.as_ref().is_some_and(|o| o.contains(name)) || (is_get && name == CONTENT_TYPE) {
            continue;
        }
        if let http::header::Entry::Vacant(slot) = target.entry(name) {
            let mut values = defaults.get_all(name).iter();
            if let Some(first) = values.next() {
                let mut occupied = slot.insert_entry(first.clone());
                for value in values {
                    occupied.append(value.clone());
                }
            }
        }
    }
}

/// Builds a header value from a string the SDK controls, dropping bytes that
/// are not allowed in a header instead of failing.
pub fn lossy_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| {
        let cleaned: String = s
            .chars()
            .filter(|c| c.is_ascii() && (*c == '\t' || !c.is_ascii_control()))
            .collect();
        HeaderValue::from_str(&cleaned).unwrap_or(HeaderValue::from_static(""))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Body;

    fn req() -> HttpRequest {
        http::Request::get("http://x/").body(Body::empty()).unwrap()
    }

    #[test]
    fn defaults_do_not_clobber_and_respect_omit() {
        let mut defaults = HeaderMap::new();
        defaults.insert("x-a", HeaderValue::from_static("default"));
        defaults.insert("x-b", HeaderValue::from_static("default"));
        defaults.insert("x-c", HeaderValue::from_static("default"));
        let mut r = req();
        r.headers_mut()
            .insert("x-a", HeaderValue::from_static("caller"));
        let mut omit = OmitHeaders::new();
        omit.insert(HeaderName::from_static("x-c"));
        r.extensions_mut().insert(omit);
        apply_defaults(&mut r, &defaults);
        assert_eq!(r.headers()["x-a"], "caller");
        assert_eq!(r.headers()["x-b"], "default");
        assert!(!r.headers().contains_key("x-c"));
    }

    #[test]
    fn request_values_replace_all_default_values() {
        let mut defaults = HeaderMap::new();
        defaults.append("x-multi", HeaderValue::from_static("d1"));
        defaults.append("x-multi", HeaderValue::from_static("d2"));
        defaults.append("x-kept", HeaderValue::from_static("k1"));
        defaults.append("x-kept", HeaderValue::from_static("k2"));
        let layer = DefaultHeadersLayer::new(defaults);
        let mut r = req();
        r.headers_mut()
            .append("x-multi", HeaderValue::from_static("c1"));
        r.headers_mut()
            .append("x-multi", HeaderValue::from_static("c2"));
        r.headers_mut()
            .append("x-own", HeaderValue::from_static("o"));
        apply_defaults(&mut r, &layer.headers);
        let all = |name: &str| -> Vec<_> { r.headers().get_all(name).iter().cloned().collect() };
        assert_eq!(all("x-multi"), ["c1", "c2"]);
        assert_eq!(all("x-kept"), ["k1", "k2"]);
        assert_eq!(all("x-own"), ["o"]);
        assert_eq!(r.headers().len(), 5);
    }

    #[test]
    fn lossy_value_drops_control_characters() {
        assert_eq!(lossy_value("a\nb"), "ab");
        assert_eq!(lossy_value("ok"), "ok");
    }
}
