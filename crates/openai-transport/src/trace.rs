//! One `tracing` span per call.
//!
//! [`Trace`] opens an `openai.request` span (method and path; never the query
//! string, headers or body, which may hold secrets), records the response's
//! status and `x-request-id` on it, and logs the metadata-only events of
//! `reference/client.md` section 11: "Sending HTTP Request: POST", "HTTP
//! Response: POST 200", "request_id: req_123", and the failure kind. Attempt
//! spans (`attempt`, with its number) are opened inside it by the retry layer.
//!
//! When no subscriber wants the span or the debug events, the response is not
//! looked at.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Method;
use pin_project::pin_project;
use tower::{Layer, Service};
use tracing::{Level, Span};

use crate::request_id::request_id;
use crate::{BoxError, HttpRequest, HttpResponse};

/// Layer adding [`Trace`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer;

impl TraceLayer {
    /// A new layer.
    pub const fn new() -> Self {
        Self
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Trace<S> {
        Trace { inner }
    }
}

/// Wraps each call in an `openai.request` span.
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
}

impl<S> Trace<S> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Consumes the layer, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Service<HttpRequest> for Trace<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: HttpRequest) -> Self::Future {
        let method = method_name(req.method());
        let span = tracing::debug_span!(
            "openai.request",
            method,
            path = req.uri().path(),
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let inner = {
            let _enter = span.enter();
            tracing::debug!("Sending HTTP Request: {method}");
            self.inner.call(req)
        };
        ResponseFuture {
            inner,
            span,
            method,
        }
    }
}

/// Response future of [`Trace`].
#[pin_project]
#[derive(Debug)]
pub struct ResponseFuture<F> {
    #[pin]
    inner: F,
    span: Span,
    method: &'static str,
}

impl<F> Future for ResponseFuture<F>
where
    F: Future<Output = Result<HttpResponse, BoxError>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _enter = this.span.enter();
        let result = ready!(this.inner.poll(cx));
        match &result {
            Ok(resp) if !this.span.is_disabled() || tracing::enabled!(Level::DEBUG) => {
                let status = resp.status().as_u16();
                this.span.record("status", status);
                tracing::debug!("HTTP Response: {} {status}", this.method);
                if let Some(id) = request_id(resp) {
                    this.span.record("request_id", id);
                    tracing::debug!("request_id: {id}");
                }
            }
            Ok(_) => {}
            Err(err) => {
                let kind = crate::error::log_kind(err);
                tracing::debug!(kind, "request failed");
            }
        }
        Poll::Ready(result)
    }
}

/// The method as logged: standard methods by name, anything else `<custom>`
/// (reference/client.md 11).
fn method_name(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::CONNECT => "CONNECT",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::PATCH => "PATCH",
        _ => "<custom>",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_15_2_custom_methods_are_not_logged_by_name() {
        assert_eq!(method_name(&Method::POST), "POST");
        assert_eq!(
            method_name(&Method::from_bytes(b"PURGE").unwrap()),
            "<custom>"
        );
    }
}
