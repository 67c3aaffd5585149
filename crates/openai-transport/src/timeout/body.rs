//! A body whose frames must each arrive within a timeout.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project::pin_project;
use tokio::time::{Instant, Sleep};

use super::Elapsed;
use super::future::deadline_after;
use crate::{BoxError, ResponseBody};

/// Fails with [`Elapsed`] when no frame arrives for `timeout`; a stream may run
/// for as long as it keeps moving.
///
/// The timer is not reset on every frame (that touches the timer wheel per
/// event); a frame only notes the time, and when the timer fires it is
/// re-armed for `last frame + timeout` unless that moment has passed.
#[pin_project]
#[derive(Debug)]
pub struct IdleTimeoutBody {
    #[pin]
    inner: ResponseBody,
    #[pin]
    sleep: Sleep,
    timeout: Duration,
    last_frame: Instant,
}

impl IdleTimeoutBody {
    /// Wraps `inner` with an idle timeout of `timeout`.
    pub fn new(inner: ResponseBody, timeout: Duration) -> Self {
        Self {
            inner,
            sleep: tokio::time::sleep_until(deadline_after(timeout)),
            timeout,
            last_frame: Instant::now(),
        }
    }
}

impl Body for IdleTimeoutBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let mut this = self.project();
        if let Poll::Ready(frame) = this.inner.poll_frame(cx) {
            *this.last_frame = Instant::now();
            return Poll::Ready(frame);
        }
        loop {
            ready!(this.sleep.as_mut().poll(cx));
            let deadline = this
                .last_frame
                .checked_add(*this.timeout)
                .unwrap_or_else(|| deadline_after(*this.timeout));
            if Instant::now() >= deadline {
                return Poll::Ready(Some(Err(Elapsed::new().into())));
            }
            this.sleep.as_mut().reset(deadline);
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
