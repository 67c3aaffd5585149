//! The response future of [`Timeout`](super::Timeout).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body::Body as _;
use pin_project::pin_project;
use tokio::time::{Instant, Sleep};

use super::{Elapsed, IdleTimeout, IdleTimeoutBody, MaxBodySize, ResponseMode};
use crate::error::BodyTooLarge;
use crate::{BoxError, HttpResponse, ResponseBody};

/// Response future of [`Timeout`](super::Timeout).
#[pin_project]
#[derive(Debug)]
pub struct ResponseFuture<F> {
    #[pin]
    state: State<F>,
    #[pin]
    deadline: Option<Sleep>,
    idle: Option<Duration>,
    mode: ResponseMode,
    max_body_size: usize,
}

#[allow(
    clippy::large_enum_variant,
    reason = "the future is stored once per attempt; boxing would add an allocation to every call"
)]
#[pin_project(project = StateProj)]
#[derive(Debug)]
enum State<F> {
    Head(#[pin] F),
    Body {
        parts: Option<http::response::Parts>,
        body: ResponseBody,
        collected: Collected,
    },
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(
        inner: F,
        timeout: Option<Duration>,
        idle: Option<Duration>,
        mode: ResponseMode,
        max_body_size: usize,
    ) -> Self {
        Self {
            state: State::Head(inner),
            deadline: timeout.map(|t| tokio::time::sleep_until(deadline_after(t))),
            idle,
            mode,
            max_body_size,
        }
    }
}

impl<F> Future for ResponseFuture<F>
where
    F: Future<Output = Result<HttpResponse, BoxError>>,
{
    type Output = Result<HttpResponse, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Head(fut) => {
                    let resp = match fut.poll(cx) {
                        Poll::Ready(Ok(resp)) => resp,
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Pending => return poll_deadline(this.deadline.as_mut(), cx),
                    };
                    let buffer =
                        *this.mode == ResponseMode::Buffered || !resp.status().is_success();
                    if !buffer {
                        let idle = *this.idle;
                        let mut resp = match idle {
                            Some(t) if !resp.body().is_buffered() => {
                                resp.map(|b| ResponseBody::idle(IdleTimeoutBody::new(b, t)))
                            }
                            _ => resp,
                        };
                        resp.extensions_mut().insert(IdleTimeout(idle));
                        resp.extensions_mut()
                            .insert(MaxBodySize(*this.max_body_size));
                        return Poll::Ready(Ok(resp));
                    }
                    if resp.body().is_buffered() {
                        return Poll::Ready(Ok(resp));
                    }
                    let (parts, body) = resp.into_parts();
                    this.state.set(State::Body {
                        parts: Some(parts),
                        body,
                        collected: Collected::default(),
                    });
                }
                StateProj::Body {
                    parts,
                    body,
                    collected,
                } => loop {
                    match Pin::new(&mut *body).poll_frame(cx) {
                        Poll::Ready(Some(Ok(frame))) => {
                            let Ok(data) = frame.into_data() else {
                                continue;
                            };
                            if let Err(e) = collected.push(data, *this.max_body_size) {
                                let success = parts.as_ref().is_some_and(|p| p.status.is_success());
                                if success {
                                    return Poll::Ready(Err(e));
                                }
                                // An error status keeps its status, headers and the start
                                // of its body: the caller gets the API error (retried as
                                // its status says), not a size error that hides it.
                                return Poll::Ready(Ok(finish(parts, collected)));
                            }
                        }
                        Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(e)),
                        Poll::Ready(None) => return Poll::Ready(Ok(finish(parts, collected))),
                        Poll::Pending => return poll_deadline(this.deadline.as_mut(), cx),
                    }
                },
            }
        }
    }
}

/// The buffered response of `parts` with the bytes collected.
fn finish(parts: &mut Option<http::response::Parts>, collected: &mut Collected) -> HttpResponse {
    let parts = parts.take().expect("polled after completion");
    let bytes = std::mem::take(collected).finish();
    HttpResponse::from_parts(parts, ResponseBody::full(bytes))
}

fn poll_deadline<T>(
    deadline: Pin<&mut Option<Sleep>>,
    cx: &mut Context<'_>,
) -> Poll<Result<T, BoxError>> {
    match deadline.as_pin_mut() {
        Some(sleep) => {
            ready!(sleep.poll(cx));
            Poll::Ready(Err(Elapsed::new().into()))
        }
        None => Poll::Pending,
    }
}

/// `now + t`, saturating for absurd timeouts instead of panicking.
pub(super) fn deadline_after(t: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(t)
        .unwrap_or_else(|| now + Duration::from_secs(60 * 60 * 24 * 365 * 30))
}

/// Body bytes gathered so far. A single frame is kept as is (no copy).
#[derive(Debug, Default)]
struct Collected {
    first: Option<Bytes>,
    rest: Option<BytesMut>,
    len: usize,
}

impl Collected {
    /// Adds `data`; past `limit`, keeps only what fits and fails.
    fn push(&mut self, mut data: Bytes, limit: usize) -> Result<(), BoxError> {
        let room = limit.saturating_sub(self.len);
        if data.len() > room {
            data.truncate(room);
            self.append(data);
            return Err(BodyTooLarge { limit }.into());
        }
        self.append(data);
        Ok(())
    }

    fn append(&mut self, data: Bytes) {
        if data.is_empty() {
            return;
        }
        self.len += data.len();
        match (&mut self.first, &mut self.rest) {
            (None, _) => self.first = Some(data),
            (Some(first), None) => {
                let mut buf = BytesMut::with_capacity(first.len() + data.len() * 2);
                buf.extend_from_slice(first);
                buf.extend_from_slice(&data);
                self.rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&data),
        }
    }

    fn finish(self) -> Bytes {
        match (self.first, self.rest) {
            (_, Some(buf)) => buf.freeze(),
            (Some(first), None) => first,
            (None, None) => Bytes::new(),
        }
    }
}
