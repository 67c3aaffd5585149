//! Per-call and per-client request options.

use std::fmt;
use std::time::Duration;

use http::HeaderMap;
use http::header::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::error::{Error, InvalidRequestError};

/// Options for one call, or defaults for every call of a client
/// ([`Client::with_options`](crate::Client::with_options)).
///
/// Setters never panic: a header that cannot be sent is recorded and the
/// call fails with [`Error::InvalidRequest`] when awaited.
#[derive(Clone, Default)]
#[must_use]
pub struct RequestOptions {
    pub(crate) timeout: Option<TimeoutSetting>,
    pub(crate) idle_timeout: Option<TimeoutSetting>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: HeaderMap,
    pub(crate) omit: Vec<HeaderName>,
    pub(crate) query: Vec<(String, String)>,
    /// Default query parameters not to send.
    pub(crate) omit_query: Vec<String>,
    pub(crate) extra_body: Option<Value>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) follow_redirects: Option<bool>,
    pub(crate) error: Option<String>,
}

/// A timeout, or explicitly none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeoutSetting {
    Limit(Duration),
    Unlimited,
}

impl TimeoutSetting {
    pub(crate) fn get(self) -> Option<Duration> {
        match self {
            Self::Limit(d) => Some(d),
            Self::Unlimited => None,
        }
    }
}

impl fmt::Debug for RequestOptions {
    // Header values and body fields may be secrets: show names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_retries", &self.max_retries)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("omit", &self.omit)
            .field(
                "query",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("omit_query", &self.omit_query)
            .field("extra_body", &self.extra_body.as_ref().map(|_| "<set>"))
            .field(
                "idempotency_key",
                &self.idempotency_key.as_ref().map(|_| "<set>"),
            )
            .finish()
    }
}

/// A call that takes per-call options: every request and helper call of
/// the SDK. The blocking client's wrappers reach the options of the call
/// they wrap through it.
pub trait HasOptions {
    /// The call's options.
    fn options_mut(&mut self) -> &mut RequestOptions;
}

impl HasOptions for RequestOptions {
    fn options_mut(&mut self) -> &mut RequestOptions {
        self
    }
}

/// The per-call setters, written once for every type that carries
/// [`RequestOptions`]: the options themselves, a request, and any other
/// request value that implements [`HasOptions`].
macro_rules! per_call_setters {
    () => {
        /// The per-attempt timeout.
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).set_timeout(timeout);
            self
        }

        /// No timeout at all.
        pub fn no_timeout(mut self) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).set_no_timeout();
            self
        }

        /// How long a streamed answer may go without progress (for event
        /// streams: without an event; keep-alive comments do not count).
        /// Unless set, the per-attempt timeout.
        pub fn idle_timeout(mut self, idle: ::std::time::Duration) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).idle_timeout =
                Some($crate::client::TimeoutSetting::Limit(idle));
            self
        }

        /// How many times to retry.
        pub fn max_retries(mut self, n: u32) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).set_max_retries(n);
            self
        }

        /// Adds a header (Python's `extra_headers`); it replaces a default of
        /// the same name. A name or value that cannot be sent fails the call
        /// with [`Error::InvalidRequest`]($crate::Error::InvalidRequest).
        pub fn header<K, V>(mut self, name: K, value: V) -> Self
        where
            K: TryInto<::http::header::HeaderName>,
            V: TryInto<::http::header::HeaderValue>,
        {
            $crate::client::HasOptions::options_mut(&mut self)
                .add_header(name.try_into().ok(), value.try_into().ok());
            self
        }

        /// Sets `openai-beta` to the comma-joined `betas`: the `betas` list of
        /// Python's `beta.responses` methods (`["responses_multi_agent=v1"]`).
        /// It replaces an `OpenAI-Beta` header the endpoint sends; an empty
        /// list changes nothing.
        pub fn betas<I, S>(self, betas: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: AsRef<str>,
        {
            let mut joined = String::new();
            for beta in betas {
                if !joined.is_empty() {
                    joined.push(',');
                }
                joined.push_str(beta.as_ref());
            }
            if joined.is_empty() {
                return self;
            }
            self.header(::openai_transport::headers::OPENAI_BETA, joined)
        }

        /// Removes a header the SDK would send (Python's `Omit`): a default
        /// header, `x-stainless-retry-count`, even `authorization`.
        pub fn omit_header<K: TryInto<::http::header::HeaderName>>(mut self, name: K) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).add_omit(name.try_into().ok());
            self
        }

        /// Adds a query parameter (Python's `extra_query`); it replaces one of
        /// the same name.
        pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).add_query(name.into(), value.into());
            self
        }

        /// Removes a query parameter of the client's default query (a
        /// [`ClientBuilder::default_query`]($crate::ClientBuilder::default_query)
        /// one, Azure's `api-version`): Python's `set_default_query` without
        /// it. A later [`query`](Self::query) of the same name sends it again.
        pub fn omit_query(mut self, name: impl Into<String>) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).add_omit_query(name.into());
            self
        }

        /// Merges fields into the JSON body (Python's `extra_body`): top-level
        /// keys replace the body's, `null` included.
        pub fn extra_body(mut self, body: ::serde_json::Value) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).add_extra_body(body);
            self
        }

        /// Sends `Idempotency-Key: <key>`, the same on every attempt.
        pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).idempotency_key = Some(key.into());
            self
        }

        /// Whether to follow redirects (default `true`, up to 20). With
        /// `false`, a 3xx answer is returned as an
        /// [`Error::Api`]($crate::Error::Api).
        pub fn follow_redirects(mut self, follow: bool) -> Self {
            $crate::client::HasOptions::options_mut(&mut self).follow_redirects = Some(follow);
            self
        }
    };
}
pub(crate) use per_call_setters;

impl RequestOptions {
    /// No options: everything inherited.
    pub fn new() -> Self {
        Self::default()
    }

    per_call_setters!();

    pub(crate) fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(TimeoutSetting::Limit(timeout));
    }

    pub(crate) fn set_no_timeout(&mut self) {
        self.timeout = Some(TimeoutSetting::Unlimited);
    }

    pub(crate) fn set_max_retries(&mut self, n: u32) {
        self.max_retries = Some(n);
    }

    pub(crate) fn add_header(&mut self, name: Option<HeaderName>, value: Option<HeaderValue>) {
        match (name, value) {
            (Some(k), Some(mut v)) => {
                if is_credential(&k) {
                    v.set_sensitive(true);
                }
                self.omit.retain(|o| o != k);
                self.headers.insert(k, v);
            }
            _ => self.record_error("a header name or value cannot be sent"),
        }
    }

    pub(crate) fn add_omit(&mut self, name: Option<HeaderName>) {
        match name {
            Some(k) => {
                self.headers.remove(&k);
                if !self.omit.contains(&k) {
                    self.omit.push(k);
                }
            }
            None => self.record_error("a header name cannot be sent"),
        }
    }

    pub(crate) fn add_query(&mut self, name: String, value: String) {
        self.query.retain(|(k, _)| *k != name);
        self.omit_query.retain(|k| *k != name);
        self.query.push((name, value));
    }

    pub(crate) fn add_omit_query(&mut self, name: String) {
        self.query.retain(|(k, _)| *k != name);
        if !self.omit_query.contains(&name) {
            self.omit_query.push(name);
        }
    }

    pub(crate) fn add_extra_body(&mut self, body: Value) {
        match (&mut self.extra_body, body) {
            (Some(Value::Object(old)), Value::Object(new)) => old.extend(new),
            (slot, body) => *slot = Some(body),
        }
    }

    /// Whether no option is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.timeout.is_none()
            && self.idle_timeout.is_none()
            && self.max_retries.is_none()
            && self.headers.is_empty()
            && self.omit.is_empty()
            && self.query.is_empty()
            && self.omit_query.is_empty()
            && self.extra_body.is_none()
            && self.idempotency_key.is_none()
            && self.follow_redirects.is_none()
            && self.error.is_none()
    }

    pub(crate) fn record_error(&mut self, message: &str) {
        if self.error.is_none() {
            self.error = Some(message.to_owned());
        }
    }

    /// Layers `over` on top of `self`: `over`'s settings win.
    pub(crate) fn merged(&self, over: &RequestOptions) -> RequestOptions {
        let mut out = self.clone();
        if over.timeout.is_some() {
            out.timeout = over.timeout;
        }
        if over.idle_timeout.is_some() {
            out.idle_timeout = over.idle_timeout;
        }
        if over.max_retries.is_some() {
            out.max_retries = over.max_retries;
        }
        for name in &over.omit {
            out.headers.remove(name);
            if !out.omit.contains(name) {
                out.omit.push(name.clone());
            }
        }
        for (name, value) in &over.headers {
            out.omit.retain(|o| o != name);
            out.headers.insert(name.clone(), value.clone());
        }
        for name in &over.omit_query {
            out.add_omit_query(name.clone());
        }
        for (k, v) in &over.query {
            out.add_query(k.clone(), v.clone());
        }
        if let Some(extra) = &over.extra_body {
            out.add_extra_body(extra.clone());
        }
        if over.follow_redirects.is_some() {
            out.follow_redirects = over.follow_redirects;
        }
        if over.idempotency_key.is_some() {
            out.idempotency_key.clone_from(&over.idempotency_key);
        }
        if out.error.is_none() {
            out.error.clone_from(&over.error);
        }
        out
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        match &self.error {
            Some(m) => Err(Error::InvalidRequest(InvalidRequestError::new(m.clone()))),
            None => Ok(()),
        }
    }
}

/// Headers whose values are credentials: marked sensitive so no layer logs them.
pub(crate) fn is_credential(name: &HeaderName) -> bool {
    name == http::header::AUTHORIZATION
        || name == http::header::PROXY_AUTHORIZATION
        || name == openai_transport::headers::API_KEY
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn later_options_win() {
        let base = RequestOptions::new()
            .header("x-foo", "bar")
            .query("foo", "bar")
            .max_retries(2);
        let over = RequestOptions::new()
            .header("x-foo", "openai")
            .query("foo", "openai")
            .query("bar", "1")
            .max_retries(7);
        let m = base.merged(&over);
        assert_eq!(m.headers["x-foo"], "openai");
        assert_eq!(
            m.query,
            [("foo".into(), "openai".into()), ("bar".into(), "1".into())]
        );
        assert_eq!(m.max_retries, Some(7));
        assert_eq!(base.max_retries, Some(2));
    }

    #[test]
    fn omit_removes_an_inherited_header() {
        let base = RequestOptions::new().header("x-foo", "bar");
        let m = base.merged(&RequestOptions::new().omit_header("x-foo"));
        assert!(!m.headers.contains_key("x-foo"));
        assert!(m.omit.iter().any(|n| n == "x-foo"));
    }

    #[test]
    fn bad_headers_surface_as_errors_not_panics() {
        let o = RequestOptions::new().header("bad header", "x");
        assert!(matches!(o.check(), Err(Error::InvalidRequest(_))));
        let o = RequestOptions::new().header("x-ok", "line\nbreak");
        assert!(o.check().is_err());
    }

    #[test]
    fn debug_shows_no_values() {
        let o = RequestOptions::new()
            .header("authorization", "Bearer s3cr3t")
            .query("key", "s3cr3t")
            .extra_body(json!({"token": "s3cr3t"}))
            .idempotency_key("s3cr3t");
        let text = format!("{o:?}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("authorization"));
    }

    #[test]
    fn extra_body_merges_objects() {
        let o = RequestOptions::new()
            .extra_body(json!({"a": 1}))
            .extra_body(json!({"b": null}));
        assert_eq!(o.extra_body, Some(json!({"a": 1, "b": null})));
    }
}
