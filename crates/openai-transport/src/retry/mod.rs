//! Retries with the official SDK's rules.
//!
//! [`Retry`] sends a request, and when the attempt fails in a way another
//! attempt may fix, sleeps and sends it again, up to the request's
//! [`MaxRetries`] (default [`DEFAULT_MAX_RETRIES`]). The rules are those of
//! `reference/client.md` section 4:
//!
//! - connection errors and timeouts are retried (an error wrapped in
//!   [`Permanent`] is not);
//! - an error status is retried when, in this order: the server's delay is
//!   not above [`MAX_RETRY_AFTER_DELAY`] (else never), `x-should-retry` is not
//!   `false` (`true` forces a retry), and the status is 408, 409, 429 or 5xx;
//! - a [`RetryClassifier`] then sees the buffered body and may veto;
//! - the delay is the server's `retry-after-ms` / `Retry-After` when it lies in
//!   `(0, 120]` seconds, else `min(0.5 s × 2ⁿ, 8 s)` shortened by up to 25 %
//!   of jitter;
//! - each retry carries `x-stainless-retry-count: n` unless the caller set or
//!   omitted that header (the first attempt's `0` is one of the default
//!   headers [`Stack`](crate::Stack) gives every request, so a first attempt
//!   costs no header work here);
//! - a 2xx response is never retried, and neither is anything that fails
//!   after it (a cut stream).
//!
//! The response of the last attempt carries [`RetriesTaken`] in its
//! extensions when it took retries (no extension means none). Backoff sleeps use `tokio::time`, so tests pause the clock.

mod future;
mod policy;

use std::sync::Arc;
use std::task::{Context, Poll};

use http::HeaderValue;
use tower::{Layer, Service};

use crate::body::copy_request;
use crate::error::{BodyTooLarge, Permanent, find_source};
use crate::time::SharedTimeSource;
use crate::{BoxError, HttpRequest, HttpResponse};

pub use future::ResponseFuture;
pub use policy::{
    DEFAULT_MAX_RETRIES, INITIAL_RETRY_DELAY, MAX_RETRY_AFTER_DELAY, MAX_RETRY_DELAY, RetryAction,
    RetryClassifier, SharedClassifier, jitter, retry_delay, server_delay, should_retry_status,
};

/// Request extension: how many retries this request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxRetries(pub u32);

/// Response extension: how many retries were taken before this response.
/// Only present when there were some.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetriesTaken(pub u32);

impl RetriesTaken {
    /// The retries taken before `resp`: its extension, or zero.
    pub fn of<B>(resp: &http::Response<B>) -> u32 {
        resp.extensions().get::<Self>().map_or(0, |r| r.0)
    }
}

/// Layer adding [`Retry`].
#[derive(Debug, Clone)]
pub struct RetryLayer {
    config: Arc<Config>,
}

#[derive(Debug, Clone)]
struct Config {
    max_retries: u32,
    classifier: Option<SharedClassifier>,
    clock: SharedTimeSource,
}

impl RetryLayer {
    /// A layer retrying up to `max_retries` times when the request does not
    /// say otherwise through [`MaxRetries`].
    pub fn new(max_retries: u32) -> Self {
        Self {
            config: Arc::new(Config {
                max_retries,
                classifier: None,
                clock: SharedTimeSource::default(),
            }),
        }
    }

    /// Adds a body classifier that runs after the header and status rules.
    pub fn classifier(mut self, classifier: SharedClassifier) -> Self {
        Arc::make_mut(&mut self.config).classifier = Some(classifier);
        self
    }

    /// Sets the wall clock used to read HTTP-date `Retry-After` values.
    pub fn time_source(mut self, clock: SharedTimeSource) -> Self {
        Arc::make_mut(&mut self.config).clock = clock;
        self
    }
}

impl Default for RetryLayer {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_RETRIES)
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;

    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            config: self.config.clone(),
        }
    }
}

/// Retries failed attempts; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Retry<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> Retry<S> {
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

impl<S> Service<HttpRequest> for Retry<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError> + Clone,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = ResponseFuture<S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: HttpRequest) -> Self::Future {
        let max_retries = req
            .extensions()
            .get::<MaxRetries>()
            .map_or(self.config.max_retries, |m| m.0);
        // Keep a copy for the next attempts; a body that cannot be replayed
        // disables retries.
        let template = if max_retries > 0 {
            clone_request(&req)
        } else {
            None
        };
        // NOTE: `self.inner` was made ready by `poll_ready`; the clone that
        // goes into the future is polled ready before each retry.
        // Only a call that may be retried needs its own copy of the service.
        let service = template.as_ref().map(|_| self.inner.clone());
        let first = self.inner.call(req);
        ResponseFuture::new(first, service, template, max_retries, self.config.clone())
    }
}

/// Whether a failed attempt that produced no response may be retried.
pub fn is_retryable_error(err: &BoxError) -> bool {
    find_source::<Permanent>(&**err).is_none()
        && find_source::<BodyTooLarge>(&**err).is_none()
        && find_source::<crate::connect::Unsupported>(&**err).is_none()
        && find_source::<crate::decompress::InvalidEncoding>(&**err).is_none()
        && find_source::<crate::decompress::UnsupportedEncoding>(&**err).is_none()
}

/// A copy of `req` for another attempt; `None` when its body cannot be replayed.
fn clone_request(req: &HttpRequest) -> Option<HttpRequest> {
    let body = req.body().try_clone()?;
    Some(copy_request(req, body))
}

fn count_value(n: u32) -> HeaderValue {
    HeaderValue::from(n)
}

#[cfg(test)]
mod tests;
