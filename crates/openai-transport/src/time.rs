//! Wall-clock reads, injected.
//!
//! Backoff and timeouts use `tokio::time`, which paused-clock tests control.
//! An HTTP-date `Retry-After` needs the wall clock instead; it reads it through
//! a [`TimeSource`] so tests can fix the date.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// A source of wall-clock time.
pub trait TimeSource: Send + Sync + 'static {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl TimeSource for SystemClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "this is the one place wall time is read"
    )]
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stuck at one instant, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub SystemTime);

impl TimeSource for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// A shared, type-erased [`TimeSource`].
#[derive(Clone)]
pub struct SharedTimeSource(Arc<dyn TimeSource>);

impl SharedTimeSource {
    /// Wraps a time source.
    pub fn new(source: impl TimeSource) -> Self {
        Self(Arc::new(source))
    }

    /// The current wall-clock time.
    pub fn now(&self) -> SystemTime {
        self.0.now()
    }
}

impl Default for SharedTimeSource {
    fn default() -> Self {
        Self::new(SystemClock)
    }
}

impl fmt::Debug for SharedTimeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedTimeSource")
    }
}
