//! A body whose frames must each arrive within a timeout.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};
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
/// event). The clock is read when the body starts waiting after a frame, and
/// when the timer fires it is re-armed for `waiting since + timeout` unless that
/// moment has passed. While the timer is armed for the task that polls, a wait
/// does not touch it at all.
#[pin_project]
#[derive(Debug)]
pub struct IdleTimeoutBody {
    #[pin]
    inner: ResponseBody,
    #[pin]
    sleep: Sleep,
    timeout: Duration,
    // When the body last started waiting for a frame.
    waiting_since: Instant,
    // A frame arrived since `waiting_since` was read.
    progressed: bool,
    // The waker the timer was last polled with.
    armed_for: Option<Waker>,
}

impl IdleTimeoutBody {
    /// Wraps `inner` with an idle timeout of `timeout`.
    pub fn new(inner: ResponseBody, timeout: Duration) -> Self {
        Self {
            inner,
            sleep: tokio::time::sleep_until(deadline_after(timeout)),
            timeout,
            waiting_since: Instant::now(),
            progressed: false,
            armed_for: None,
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
            *this.progressed = true;
            return Poll::Ready(frame);
        }
        if std::mem::take(this.progressed) {
            *this.waiting_since = Instant::now();
        }
        let armed = this
            .armed_for
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()));
        if armed && !this.sleep.is_elapsed() {
            return Poll::Pending;
        }
        loop {
            if this.sleep.as_mut().poll(cx).is_pending() {
                if !armed {
                    *this.armed_for = Some(cx.waker().clone());
                }
                return Poll::Pending;
            }
            let deadline = this
                .waiting_since
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
