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
//!
//! # OpenTelemetry
//!
//! The span carries the attributes of the OpenTelemetry GenAI semantic
//! conventions, so a subscriber that exports to OpenTelemetry (such as
//! `tracing-opentelemetry`) shows OpenAI calls the way GenAI dashboards
//! expect: `otel.kind` (`client`), `gen_ai.provider.name` (`openai`, or the
//! stack's [`TraceLayer::provider`]), `server.address` and `server.port`,
//! `error.type` (the status code of an error answer, or `timeout`,
//! `connection`), and, for inference calls, from the client
//! ([`GenAiRequest`] on the request, the response through [`CallSpan`]):
//! `gen_ai.operation.name`, `gen_ai.request.model`, `gen_ai.response.model`,
//! `gen_ai.response.id`, `gen_ai.usage.input_tokens` and
//! `gen_ai.usage.output_tokens`. Never a prompt, a completion, a header
//! value, a query string or a key. Attempt spans carry
//! `http.request.resend_count`, `http.response.status_code` and `error.type`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Method;
use pin_project::pin_project;
use tower::{Layer, Service};
use tracing::{Level, Span};

use crate::request_id::request_id;
use crate::{BoxError, HttpRequest, HttpResponse};

/// The default `gen_ai.provider.name`.
pub const DEFAULT_PROVIDER: &str = "openai";

/// Layer adding [`Trace`].
#[derive(Debug, Clone, Copy)]
pub struct TraceLayer {
    provider: &'static str,
}

impl TraceLayer {
    /// A new layer.
    pub const fn new() -> Self {
        Self {
            provider: DEFAULT_PROVIDER,
        }
    }

    /// The span's `gen_ai.provider.name` (`azure.ai.openai` for Azure).
    pub const fn provider(mut self, name: &'static str) -> Self {
        self.provider = name;
        self
    }
}

impl Default for TraceLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Trace<S> {
        Trace {
            inner,
            provider: self.provider,
        }
    }
}

/// Wraps each call in an `openai.request` span.
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
    provider: &'static str,
}

/// Request extension from the client: the GenAI operation of an inference
/// call and its model, recorded on the span. The client adds it only when
/// [`span_enabled`] says a subscriber wants the span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenAiRequest {
    operation: &'static str,
    model: Option<String>,
}

impl GenAiRequest {
    /// `operation` (`chat`, `embeddings`, `text_completion`) on `model`.
    pub fn new(operation: &'static str, model: Option<String>) -> Self {
        Self { operation, model }
    }
}

/// Response extension: the call's span, on responses of calls a subscriber
/// wants, so the client can record what the answer says
/// (`gen_ai.response.id`, the model, token usage) once it has read it.
#[derive(Debug, Clone)]
pub struct CallSpan(Span);

impl CallSpan {
    /// The span.
    pub fn span(&self) -> &Span {
        &self.0
    }
}

/// Whether a subscriber wants the `openai.request` span: when it does not,
/// the client skips computing its attributes.
pub fn span_enabled() -> bool {
    tracing::span_enabled!(Level::DEBUG)
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
        use tracing::field::Empty;
        let method = method_name(req.method());
        let uri = req.uri();
        let span = tracing::debug_span!(
            "openai.request",
            method,
            path = uri.path(),
            status = Empty,
            request_id = Empty,
            otel.kind = "client",
            gen_ai.provider.name = self.provider,
            gen_ai.operation.name = Empty,
            gen_ai.request.model = Empty,
            gen_ai.response.model = Empty,
            gen_ai.response.id = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.usage.output_tokens = Empty,
            server.address = uri.host(),
            server.port = uri.port_u16().unwrap_or(default_port(uri)),
            error.type = Empty,
        );
        if !span.is_disabled() {
            if let Some(genai) = req.extensions().get::<GenAiRequest>() {
                span.record("gen_ai.operation.name", genai.operation);
                if let Some(model) = &genai.model {
                    span.record("gen_ai.request.model", model.as_str());
                }
            }
        }
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
        let mut result = ready!(this.inner.poll(cx));
        match &mut result {
            Ok(resp) if !this.span.is_disabled() || tracing::enabled!(Level::DEBUG) => {
                let status = resp.status().as_u16();
                this.span.record("status", status);
                tracing::debug!("HTTP Response: {} {status}", this.method);
                if let Some(id) = request_id(resp) {
                    this.span.record("request_id", id);
                    tracing::debug!("request_id: {id}");
                }
                if status >= 400 {
                    this.span.record("error.type", status.to_string().as_str());
                } else if !this.span.is_disabled() {
                    resp.extensions_mut().insert(CallSpan(this.span.clone()));
                }
            }
            Ok(_) => {}
            Err(err) => {
                let kind = crate::error::log_kind(err);
                this.span.record("error.type", kind);
                tracing::debug!(kind, "request failed");
            }
        }
        Poll::Ready(result)
    }
}

/// The port of a URI without one: 80 for http, else 443.
fn default_port(uri: &http::Uri) -> u16 {
    if uri.scheme_str() == Some("http") {
        80
    } else {
        443
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
