//! Reconnection (`reference/helpers.md` (e)): opt-in with
//! [`Connect::reconnect`](super::Connect::reconnect).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

/// The close codes after which a connection is opened again: going away,
/// no status, abnormal (a drop), internal error, service restart, try again
/// later, TLS failure.
pub const RECONNECT_CODES: [u16; 7] = [1001, 1005, 1006, 1011, 1012, 1013, 1015];

/// The default of [`Reconnect::max_queue_size`]: 1 MiB.
pub const DEFAULT_MAX_QUEUE_SIZE: usize = 1024 * 1024;

/// The hook of [`Reconnect::on_reconnecting`].
type Hook = Arc<dyn Fn(&ReconnectAttempt<'_>) -> ReconnectDecision + Send + Sync>;

/// How a connection reconnects after an abnormal close: up to
/// [`max_retries`](Self::max_retries) attempts, the `n`th after
/// `min(initial_delay · 2^(n-1), max_delay)` scaled by a random factor in
/// [0.75, 1.0]. Messages sent meanwhile wait in a queue of at most
/// [`max_queue_size`](Self::max_queue_size) bytes and go out once
/// reconnected. Python's defaults.
#[derive(Clone)]
pub struct Reconnect {
    pub(super) max_retries: u32,
    pub(super) initial_delay: Duration,
    pub(super) max_delay: Duration,
    pub(super) max_queue_size: usize,
    pub(super) hook: Option<Hook>,
}

impl Reconnect {
    /// 5 attempts, 0.5 s then doubling up to 8 s, a 1 MiB queue, no hook.
    pub fn new() -> Self {
        Self {
            max_retries: 5,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_queue_size: DEFAULT_MAX_QUEUE_SIZE,
            hook: None,
        }
    }

    /// The most attempts after one abnormal close.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The delay before the first attempt (before jitter).
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The longest delay between attempts (before jitter).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The most bytes of messages waiting while the connection is down; one
    /// more fails its `send` with [`WebSocketQueueFull`].
    pub fn max_queue_size(mut self, bytes: usize) -> Self {
        self.max_queue_size = bytes;
        self
    }

    /// Called before each attempt (Python's `on_reconnecting`): it may let
    /// the attempt go on, abort reconnecting, or replace the handshake's
    /// query and headers (a new token, another model).
    pub fn on_reconnecting(
        mut self,
        hook: impl Fn(&ReconnectAttempt<'_>) -> ReconnectDecision + Send + Sync + 'static,
    ) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// The delay before attempt `attempt` (from 1), for a jitter `jitter` in
    /// [0, 1).
    pub(super) fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let doubled = self.initial_delay.saturating_mul(
            1u32.checked_shl(attempt.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        doubled.min(self.max_delay).mul_f64(0.75 + 0.25 * jitter)
    }
}

impl Default for Reconnect {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Reconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reconnect")
            .field("max_retries", &self.max_retries)
            .field("initial_delay", &self.initial_delay)
            .field("max_delay", &self.max_delay)
            .field("max_queue_size", &self.max_queue_size)
            .field("on_reconnecting", &self.hook.is_some())
            .finish()
    }
}

/// What [`Reconnect::on_reconnecting`] is told before an attempt.
#[derive(Debug)]
pub struct ReconnectAttempt<'a> {
    pub(super) attempt: u32,
    pub(super) max_attempts: u32,
    pub(super) delay: Duration,
    pub(super) close_code: u16,
    pub(super) query: &'a [(String, String)],
    pub(super) headers: &'a HeaderMap,
}

impl ReconnectAttempt<'_> {
    /// This attempt's number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The most attempts there will be.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long the connection waits before this attempt.
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// The close code that ended the connection (1006 for a drop).
    pub fn close_code(&self) -> u16 {
        self.close_code
    }

    /// The handshake's query parameters (the model among them).
    pub fn query(&self) -> &[(String, String)] {
        self.query
    }

    /// The handshake's extra headers (not the credential, which the client
    /// computes again).
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }
}

/// What [`Reconnect::on_reconnecting`] decides.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ReconnectDecision {
    /// Attempt as planned.
    Continue,
    /// Stop reconnecting: the connection ends with its close error.
    Abort,
    /// Attempt with this query and these extra headers instead.
    Replace {
        /// The new query parameters.
        query: Vec<(String, String)>,
        /// The new extra headers.
        headers: HeaderMap,
    },
}

/// A message did not fit in the reconnection queue
/// ([`Reconnect::max_queue_size`]); it was not queued. The source of the
/// [`Error::Connection`](crate::Error::Connection) `send` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebSocketQueueFull {
    pub(super) max: usize,
}

impl WebSocketQueueFull {
    /// The queue's size limit in bytes.
    pub fn max(&self) -> usize {
        self.max
    }
}

impl fmt::Display for WebSocketQueueFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the WebSocket is reconnecting and its queue of {} bytes is full",
            self.max
        )
    }
}

impl std::error::Error for WebSocketQueueFull {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_max_with_jitter_down_to_three_quarters() {
        let r = Reconnect::new();
        assert_eq!(r.delay(1, 1.0), Duration::from_millis(500));
        assert_eq!(r.delay(2, 1.0), Duration::from_secs(1));
        assert_eq!(r.delay(5, 1.0), Duration::from_secs(8));
        assert_eq!(r.delay(40, 1.0), Duration::from_secs(8));
        assert_eq!(r.delay(1, 0.0), Duration::from_millis(375));
    }
}
