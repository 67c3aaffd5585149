//! A body whose frames must each arrive within a timeout.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project::pin_project;

use super::{Elapsed, IdleTimer};
use crate::{BoxError, ResponseBody};

/// Fails with [`Elapsed`] when no frame arrives for `timeout`; a stream may run
/// for as long as it keeps moving. The timer is an [`IdleTimer`]: cheap per
/// frame.
#[pin_project]
#[derive(Debug)]
pub struct IdleTimeoutBody {
    #[pin]
    inner: ResponseBody,
    #[pin]
    timer: IdleTimer,
}

impl IdleTimeoutBody {
    /// Wraps `inner` with an idle timeout of `timeout`.
    pub fn new(inner: ResponseBody, timeout: Duration) -> Self {
        Self {
            inner,
            timer: IdleTimer::new(timeout),
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
        let this = self.project();
        if let Poll::Ready(frame) = this.inner.poll_frame(cx) {
            this.timer.progress();
            return Poll::Ready(frame);
        }
        match this.timer.poll_elapsed(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Elapsed::new().into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
