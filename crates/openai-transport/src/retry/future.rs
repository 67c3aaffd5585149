//! The response future of [`Retry`](super::Retry).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use http::StatusCode;
use pin_project::pin_project;
use tokio::time::Sleep;
use tower::Service;
use tracing::{Instrument, instrument::Instrumented};

use super::policy::{RetryAction, jitter, retry_delay, server_delay, should_retry_status};
use super::{Config, RetriesTaken, clone_request, count_value, is_retryable_error};
use crate::headers::{OmitHeaders, X_STAINLESS_RETRY_COUNT};
use crate::{BoxError, HttpRequest, HttpResponse};

/// Response future of [`Retry`](super::Retry).
#[pin_project]
#[derive(Debug)]
pub struct ResponseFuture<S: Service<HttpRequest>> {
    /// `Some` exactly when `template` is: the service for the next attempts.
    service: Option<S>,
    template: Option<HttpRequest>,
    attempt: u32,
    max_retries: u32,
    config: Arc<Config>,
    #[pin]
    state: State<S::Future>,
}

#[pin_project(project = StateProj)]
#[derive(Debug)]
enum State<F> {
    Called(#[pin] Instrumented<F>),
    Sleeping(#[pin] Sleep),
    Readying,
}

impl<S> ResponseFuture<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    #[inline]
    pub(super) fn new(
        first: S::Future,
        service: Option<S>,
        template: Option<HttpRequest>,
        max_retries: u32,
        config: Arc<Config>,
    ) -> Self {
        Self {
            service,
            template,
            attempt: 0,
            max_retries,
            config,
            state: State::Called(first.instrument(attempt_span(0))),
        }
    }
}

impl<S> Future for ResponseFuture<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Output = Result<HttpResponse, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Called(mut fut) => {
                    let result = ready!(fut.as_mut().poll(cx));
                    record_attempt(fut.span(), &result);
                    let can_retry = *this.attempt < *this.max_retries && this.template.is_some();
                    let delay = match &result {
                        Ok(resp) if resp.status().is_success() => None,
                        Ok(resp) if can_retry => decide_response(resp, this.config, *this.attempt),
                        Err(err) if can_retry && is_retryable_error(err) => {
                            tracing::debug!(
                                error_kind = crate::error::log_kind(err),
                                "retrying after a failed attempt"
                            );
                            Some(retry_delay(*this.attempt, None, jitter()))
                        }
                        _ => None,
                    };
                    let Some(delay) = delay else {
                        let taken = *this.attempt;
                        // Absent means none: most calls need no retry, and
                        // an extension costs an allocation.
                        return Poll::Ready(result.map(|mut resp| {
                            if taken > 0 {
                                resp.extensions_mut().insert(RetriesTaken(taken));
                            }
                            resp
                        }));
                    };
                    let left = *this.max_retries - *this.attempt;
                    tracing::debug!(
                        "{left} {} left",
                        if left == 1 { "retry" } else { "retries" }
                    );
                    tracing::info!("Retrying request in {} seconds", delay.as_secs_f64());
                    // The failed response (and its body) is dropped here, which
                    // releases the connection before the sleep.
                    drop(result);
                    *this.attempt += 1;
                    this.state.set(State::Sleeping(tokio::time::sleep(delay)));
                }
                StateProj::Sleeping(sleep) => {
                    ready!(sleep.poll(cx));
                    this.state.set(State::Readying);
                }
                StateProj::Readying => {
                    let service = this
                        .service
                        .as_mut()
                        .expect("a retry is only scheduled with a service");
                    ready!(service.poll_ready(cx))?;
                    let template = this
                        .template
                        .as_ref()
                        .expect("a retry is only scheduled with a template");
                    let mut req = clone_request(template)
                        .expect("the template was cloned once, so its body is replayable");
                    // The first attempt's `0` is a default header of the stack.
                    if OmitHeaders::may_add(template, &X_STAINLESS_RETRY_COUNT) {
                        req.headers_mut()
                            .insert(X_STAINLESS_RETRY_COUNT, count_value(*this.attempt));
                    }
                    let fut = service.call(req).instrument(attempt_span(*this.attempt));
                    this.state.set(State::Called(fut));
                }
            }
        }
    }
}

/// The delay before the next attempt when an error response may be retried.
fn decide_response(resp: &HttpResponse, config: &Config, attempt: u32) -> Option<Duration> {
    let status = resp.status();
    let now = config.clock.now();
    let mut retry = should_retry_status(status, resp.headers(), now);
    if let (Some(classifier), Some(body)) = (&config.classifier, resp.body().as_bytes()) {
        match classifier.0.classify(status, resp.headers(), body) {
            RetryAction::NoOpinion => {}
            RetryAction::Retry => retry = true,
            RetryAction::Forbid => retry = false,
        }
    }
    if !retry {
        tracing::debug!(status = status.as_u16(), "Not retrying");
        return None;
    }
    log_status(status);
    Some(retry_delay(
        attempt,
        server_delay(resp.headers(), now),
        jitter(),
    ))
}

fn log_status(status: StatusCode) {
    tracing::debug!("Retrying due to status code {}", status.as_u16());
}

fn attempt_span(attempt: u32) -> tracing::Span {
    tracing::debug_span!(
        "attempt",
        attempt,
        http.request.resend_count = attempt,
        http.response.status_code = tracing::field::Empty,
        error.type = tracing::field::Empty,
    )
}

/// OpenTelemetry's HTTP attributes of a finished attempt: its status, and
/// `error.type` (the status of an error answer, or `timeout`, `connection`).
fn record_attempt(span: &tracing::Span, result: &Result<HttpResponse, BoxError>) {
    if span.is_disabled() {
        return;
    }
    match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            span.record("http.response.status_code", status);
            if status >= 400 {
                span.record("error.type", status.to_string().as_str());
            }
        }
        Err(err) => {
            span.record("error.type", crate::error::log_kind(err));
        }
    }
}
