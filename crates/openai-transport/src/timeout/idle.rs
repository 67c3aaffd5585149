//! [`IdleTimer`]: a timeout that restarts on progress, without touching the
//! timer wheel on every step.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use pin_project::pin_project;
use tokio::time::{Instant, Sleep};

use super::future::deadline_after;

/// Fires when `timeout` passes without [`progress`](Self::progress).
///
/// The timer is not reset on every step (that touches the timer wheel per
/// frame or event). The clock is read when the owner starts waiting after a
/// step, and when the timer fires it is re-armed for `waiting since +
/// timeout` unless that moment has passed. While the timer is armed for the
/// task that polls, a wait does not touch it at all.
///
/// Used by [`IdleTimeoutBody`](super::IdleTimeoutBody) for body frames and by
/// the SSE stream of openai-core for events (keep-alive comments are frames,
/// not events, so they do not hold a silent stream open).
#[pin_project]
#[derive(Debug)]
pub struct IdleTimer {
    #[pin]
    sleep: Sleep,
    timeout: Duration,
    // When the owner last started waiting.
    waiting_since: Instant,
    // A step happened since `waiting_since` was read.
    progressed: bool,
    // The waker the timer was last polled with.
    armed_for: Option<Waker>,
}

impl IdleTimer {
    /// A timer of `timeout`, running from now.
    pub fn new(timeout: Duration) -> Self {
        Self {
            sleep: tokio::time::sleep_until(deadline_after(timeout)),
            timeout,
            waiting_since: Instant::now(),
            progressed: false,
            armed_for: None,
        }
    }

    /// The timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Records a step: the idle time starts again at the next wait.
    pub fn progress(self: Pin<&mut Self>) {
        *self.project().progressed = true;
    }

    /// Call when the owner is about to wait (its source returned
    /// `Pending`): `Ready` when the timeout has passed since the last step.
    pub fn poll_elapsed(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
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
                return Poll::Ready(());
            }
            this.sleep.as_mut().reset(deadline);
        }
    }
}
