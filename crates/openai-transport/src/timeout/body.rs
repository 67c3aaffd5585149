//! A body whose frames must each arrive within a timeout.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project::pin_project;
use tokio::time::Sleep;

use super::Elapsed;
use super::future::deadline_after;
use crate::{BoxError, ResponseBody};

/// Fails with [`Elapsed`] when no frame arrives for `timeout`; the timer
/// restarts on every frame, so a stream may run for as long as it keeps moving.
#[pin_project]
#[derive(Debug)]
pub struct IdleTimeoutBody {
    #[pin]
    inner: ResponseBody,
    #[pin]
    sleep: Sleep,
    timeout: Duration,
}

impl IdleTimeoutBody {
    /// Wraps `inner` with an idle timeout of `timeout`.
    pub fn new(inner: ResponseBody, timeout: Duration) -> Self {
        Self {
            inner,
            sleep: tokio::time::sleep_until(deadline_after(timeout)),
            timeout,
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
        match this.inner.poll_frame(cx) {
            Poll::Ready(frame) => {
                this.sleep.as_mut().reset(deadline_after(*this.timeout));
                Poll::Ready(frame)
            }
            Poll::Pending => match this.sleep.poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Elapsed::new().into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
