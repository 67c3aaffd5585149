//! Per-attempt timeouts, and buffering of the bodies that must be read whole.
//!
//! [`Timeout`] gives every attempt one deadline (default [`DEFAULT_TIMEOUT`],
//! `reference/client.md` section 3; a request overrides it with its
//! [`AttemptTimeout`] extension). What the deadline covers depends on the
//! request's [`ResponseMode`]:
//!
//! - [`ResponseMode::Buffered`] (the default): the response head *and the
//!   whole body* must arrive before the deadline. The body is collected inside
//!   the attempt, so a body cut halfway is an attempt failure the retry layer
//!   can retry, and the response that leaves this layer is
//!   [buffered](crate::ResponseBody::as_bytes).
//! - [`ResponseMode::Streaming`]: the head must arrive before the deadline;
//!   after that the body is an idle timeout: each frame must arrive within the
//!   timeout of the previous one, so a long healthy stream is never cut, and a
//!   stalled one fails with [`Elapsed`]. The idle timeout is the attempt's
//!   unless the layer ([`TimeoutLayer::idle_timeout`]) or the request
//!   ([`IdleTimeout`]) sets one; the response carries the one in effect.
//!
//! Error responses (non-2xx) are always buffered, so the retry layer and the
//! error mapping can read them. Success bodies larger than
//! [`TimeoutLayer::max_body_size`] fail with [`BodyTooLarge`](crate::error::BodyTooLarge)
//! instead of exhausting memory; an error response's body is cut at the cap
//! instead (its status and headers still make the error). A streamed success
//! carries the cap as a [`MaxBodySize`] response extension for consumers that
//! buffer parts of it.
//!
//! The layer also sends the effective timeout as `x-stainless-read-timeout`
//! (seconds, e.g. `600` or `12.5`) unless the caller set or omitted it.

mod body;
mod future;
mod idle;

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::HeaderValue;
use tower::{Layer, Service};

use crate::headers::{OmitHeaders, X_STAINLESS_READ_TIMEOUT, lossy_value};
use crate::{BoxError, HttpRequest, HttpResponse};

pub use body::IdleTimeoutBody;
pub use future::ResponseFuture;
pub use idle::IdleTimer;

/// reference/client.md 3: the default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// The default cap on a buffered response body: 256 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 256 * 1024 * 1024;

/// Request extension: this attempt's timeout; `None` means no timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptTimeout(pub Option<Duration>);

/// The idle timeout of a streamed body: how long it may go without progress.
/// `None` means none.
///
/// As a request extension it overrides the layer's
/// [`idle_timeout`](TimeoutLayer::idle_timeout) for that request. A streamed
/// success leaves this layer with the idle timeout in effect as a response
/// extension, so a consumer that reads events rather than frames (the SSE
/// stream) can apply it to events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdleTimeout(pub Option<Duration>);

/// The cap on buffered response bodies, in bytes
/// ([`TimeoutLayer::max_body_size`]).
///
/// A streamed success leaves this layer with it as a response extension, so a
/// consumer that buffers pieces of the stream (the SSE stream buffers one event
/// at a time) can hold each piece to the same cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxBodySize(pub usize);

/// Request extension: how the response body will be consumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseMode {
    /// Read whole; the body is part of the attempt.
    #[default]
    Buffered,
    /// Read incrementally (SSE, downloads); the body has an idle timeout.
    Streaming,
}

/// A deadline passed: the attempt, or a stream that stalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Elapsed(());

impl Elapsed {
    /// A new `Elapsed`.
    pub const fn new() -> Self {
        Self(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("request timed out")
    }
}

impl std::error::Error for Elapsed {}

/// Layer adding [`Timeout`].
#[derive(Debug, Clone, Copy)]
pub struct TimeoutLayer {
    timeout: Option<Duration>,
    // `None`: the attempt's timeout.
    idle_timeout: Option<IdleTimeout>,
    max_body_size: usize,
}

impl TimeoutLayer {
    /// A layer with `timeout` per attempt when the request does not say
    /// otherwise; `None` disables it.
    pub const fn new(timeout: Option<Duration>) -> Self {
        Self {
            timeout,
            idle_timeout: None,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
        }
    }

    /// The idle timeout of streamed bodies (`None`: none), when the request
    /// has no [`IdleTimeout`] of its own. Unless set, it is the attempt's
    /// timeout, as Python's read timeout is.
    pub const fn idle_timeout(mut self, idle: Option<Duration>) -> Self {
        self.idle_timeout = Some(IdleTimeout(idle));
        self
    }

    /// Caps buffered bodies at `bytes`. Default [`DEFAULT_MAX_BODY_SIZE`].
    pub const fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }
}

impl Default for TimeoutLayer {
    fn default() -> Self {
        Self::new(Some(DEFAULT_TIMEOUT))
    }
}

impl<S> Layer<S> for TimeoutLayer {
    type Service = Timeout<S>;

    fn layer(&self, inner: S) -> Timeout<S> {
        Timeout {
            inner,
            config: Arc::new(Config {
                layer: *self,
                default_value: self.timeout.map(seconds_value),
            }),
        }
    }
}

/// Applies per-attempt timeouts; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Timeout<S> {
    inner: S,
    // Shared: the service is copied for every call and every redirect, and
    // held in their futures.
    config: Arc<Config>,
}

#[derive(Debug)]
struct Config {
    layer: TimeoutLayer,
    // The read-timeout header of the default timeout, formatted once.
    default_value: Option<HeaderValue>,
}

impl<S> Timeout<S> {
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

impl<S> Service<HttpRequest> for Timeout<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: HttpRequest) -> Self::Future {
        let overridden = req.extensions().get::<AttemptTimeout>().map(|t| t.0);
        let config = &*self.config;
        let timeout = overridden.unwrap_or(config.layer.timeout);
        let mode = req
            .extensions()
            .get::<ResponseMode>()
            .copied()
            .unwrap_or_default();
        if let Some(t) = timeout {
            if OmitHeaders::may_add(&req, &X_STAINLESS_READ_TIMEOUT) {
                let value = match &config.default_value {
                    Some(v) if overridden.is_none() => v.clone(),
                    _ => seconds_value(t),
                };
                req.headers_mut().insert(X_STAINLESS_READ_TIMEOUT, value);
            }
        }
        let idle = req
            .extensions()
            .get::<IdleTimeout>()
            .map(|t| t.0)
            .or(config.layer.idle_timeout.map(|t| t.0))
            .unwrap_or(timeout);
        ResponseFuture::new(
            self.inner.call(req),
            timeout,
            idle,
            mode,
            config.layer.max_body_size,
        )
    }
}

fn seconds_value(d: Duration) -> HeaderValue {
    lossy_value(&format_seconds(d))
}

/// Seconds as the read-timeout header shows them: `600`, `12.5`, `0.25`.
pub fn format_seconds(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        d.as_secs().to_string()
    } else {
        let s = format!("{:.6}", d.as_secs_f64());
        s.trim_end_matches('0').to_owned()
    }
}

#[cfg(test)]
mod tests;
