//! The futures of an awaited request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use openai_transport::{HttpRequest, HttpResponse, StackService};
use pin_project::pin_project;
use tower::util::Oneshot;

use super::{Decode, Keep, Origin};
use crate::error::{ApiError, Error};

/// The future of an awaited [`Request`](super::Request).
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture<T> {
    #[pin]
    inner: SendFuture,
    finish: Option<Finish<T>>,
}

/// How a successful response becomes the call's value: decoded, then (for
/// a page) handed the call it came from. Shared by the plain and the raw
/// path, so a page parsed from a raw response pages on too.
pub(super) struct Finish<T> {
    decode: Decode<T>,
    // Boxed: only pages keep their origin, and every other call's future
    // stays as small as before.
    keep: Option<Box<(Keep<T>, Origin)>>,
}

impl<T> Finish<T> {
    pub(super) fn new(decode: Decode<T>, keep: Option<(Keep<T>, Origin)>) -> Self {
        Self {
            decode,
            keep: keep.map(Box::new),
        }
    }

    pub(super) fn apply(self, resp: HttpResponse) -> Result<T, Error> {
        let mut value = (self.decode)(resp)?;
        if let Some(keep) = self.keep {
            let (keep, origin) = *keep;
            keep(&mut value, origin);
        }
        Ok(value)
    }
}

impl<T> ResponseFuture<T> {
    pub(super) fn new(inner: SendFuture, finish: Finish<T>) -> Self {
        Self {
            inner,
            finish: Some(finish),
        }
    }
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let resp = ready!(this.inner.poll(cx))?;
        let finish = this.finish.take().expect("polled after completion");
        Poll::Ready(finish.apply(resp))
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
pub(super) enum SendFuture {
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
