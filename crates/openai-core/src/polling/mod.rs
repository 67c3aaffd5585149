//! Polling helpers (`reference/helpers.md` (a)): create a resource, or take
//! one, and wait until it reaches a terminal state.
//!
//! Every helper returns a [`Polling`]: set [`poll_interval`](Polling::poll_interval)
//! (and per-call options for each retrieve) and `.await` it. Each retrieve
//! goes through the normal request path (retries, timeouts) and sends
//! `X-Stainless-Poll-Helper: true`, plus `X-Stainless-Custom-Poll-Interval`
//! when an interval was given. Between retrieves the helper sleeps: the
//! given interval, else the server's `openai-poll-after-ms` of the first
//! answer that was not terminal, else one second; once chosen, the interval
//! stays. There is no overall deadline (wrap the future in
//! `tokio::time::timeout` for one); errors of a retrieve end the wait.
//!
//! "Terminal" is not "successful": a failed or cancelled object is returned
//! like a completed one; look at its status.
//!
//! | helper | terminal when |
//! |---|---|
//! | `beta().threads().runs().poll`, `create_and_poll`, `submit_tool_outputs_and_poll`, `beta().threads().create_and_run_poll` | `status` is not `queued`, `in_progress` or `cancelling` |
//! | `vector_stores().files().poll`, `create_and_poll`, `upload_and_poll` | `status` is not `in_progress` |
//! | `vector_stores().file_batches().poll`, `create_and_poll`, `upload_and_poll` | `file_counts.in_progress` is 0 |
//! | `videos().poll`, `create_and_poll` | `status` is not `queued` or `in_progress` |
//! | `files().wait_for_processing` | `status` is `processed`, `error` or `deleted` (every 5 s, up to 30 min) |
//!
//! Unlike the Python SDK, a run in a status this version does not know ends
//! the wait instead of polling forever.

#![cfg_attr(
    not(feature = "full"),
    allow(
        dead_code,
        unused_imports,
        reason = "the helpers of groups that are off"
    )
)]

#[cfg(feature = "files")]
mod files;
#[cfg(feature = "threads")]
mod runs;
#[cfg(feature = "vector-stores")]
mod vector_stores;
#[cfg(feature = "videos")]
mod videos;

#[cfg(feature = "files")]
pub use files::{FILE_PROCESSING_INTERVAL, FILE_PROCESSING_MAX_WAIT};
#[cfg(feature = "vector-stores")]
pub use vector_stores::DEFAULT_UPLOAD_CONCURRENCY;

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use openai_transport::headers::{
    OPENAI_POLL_AFTER_MS, X_STAINLESS_CUSTOM_POLL_INTERVAL, X_STAINLESS_POLL_HELPER,
};

use crate::client::{HasOptions, RequestOptions, per_call_setters};
use crate::error::{DecodeError, Error};
use crate::request::Request;

/// The interval when neither the caller nor the server gives one.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// A boxed future of a polling helper.
pub type PollFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

/// What a poll loop needs from its helper: the interval and the options of
/// every request.
#[derive(Debug, Clone, Default)]
pub(crate) struct PollConfig {
    pub(crate) interval: Option<Duration>,
    pub(crate) max_concurrency: Option<usize>,
    pub(crate) options: RequestOptions,
}

type Start<T> = Box<dyn FnOnce(PollConfig) -> PollFuture<T> + Send>;

/// A polling helper's call, run when awaited: see the [module docs](self).
#[must_use = "polling helpers do nothing unless awaited"]
pub struct Polling<T> {
    start: Start<T>,
    config: PollConfig,
}

impl<T> HasOptions for Polling<T> {
    fn options_mut(&mut self) -> &mut RequestOptions {
        &mut self.config.options
    }
}

impl<T> Polling<T> {
    pub(crate) fn new(start: impl FnOnce(PollConfig) -> PollFuture<T> + Send + 'static) -> Self {
        Self {
            start: Box::new(start),
            config: PollConfig::default(),
        }
    }

    /// Waits `interval` between retrieves, whatever the server suggests
    /// (Python's `poll_interval_ms`).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.config.interval = Some(interval);
        self
    }

    /// How many files an upload helper sends at once (Python's
    /// `max_concurrency`; default 5). Other helpers ignore it.
    pub fn max_concurrency(mut self, uploads: usize) -> Self {
        self.config.max_concurrency = Some(uploads);
        self
    }

    per_call_setters!();
}

impl<T: 'static> IntoFuture for Polling<T> {
    type Output = Result<T, Error>;
    type IntoFuture = PollFuture<T>;

    fn into_future(self) -> PollFuture<T> {
        (self.start)(self.config)
    }
}

impl<T> fmt::Debug for Polling<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Polling")
            .field("interval", &self.config.interval)
            .field("options", &self.config.options)
            .finish_non_exhaustive()
    }
}

/// Retrieves with `retrieve` until `done`, sleeping as the module docs say.
pub(crate) async fn poll_until<T: 'static>(
    config: &PollConfig,
    retrieve: impl Fn() -> Request<T>,
    done: impl Fn(&T) -> bool,
) -> Result<T, Error> {
    let mut interval = config.interval;
    loop {
        let mut request = retrieve()
            .options(&config.options)
            .header(X_STAINLESS_POLL_HELPER, "true");
        if let Some(custom) = config.interval {
            request = request.header(
                X_STAINLESS_CUSTOM_POLL_INTERVAL,
                custom.as_millis().to_string(),
            );
        }
        let raw = request.with_raw_response().await?;
        let suggested = match raw.headers().get(OPENAI_POLL_AFTER_MS) {
            Some(value) if interval.is_none() => Some(poll_after(value.as_bytes())?),
            _ => None,
        };
        let value = raw.parse()?;
        if done(&value) {
            return Ok(value);
        }
        let wait = *interval.get_or_insert(suggested.unwrap_or(DEFAULT_POLL_INTERVAL));
        tokio::time::sleep(wait).await;
    }
}

/// `openai-poll-after-ms`: a whole number of milliseconds.
fn poll_after(value: &[u8]) -> Result<Duration, Error> {
    std::str::from_utf8(value)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .ok_or_else(|| {
            Error::Decode(DecodeError::new(
                format!(
                    "openai-poll-after-ms is not a whole number of milliseconds: {}",
                    String::from_utf8_lossy(value)
                ),
                None,
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_after_reads_milliseconds_and_refuses_the_rest() {
        assert_eq!(poll_after(b"250").unwrap(), Duration::from_millis(250));
        assert_eq!(poll_after(b" 7 ").unwrap(), Duration::from_millis(7));
        for bad in [&b"1.5"[..], b"", b"soon", b"-1", b"\xff"] {
            let err = poll_after(bad).unwrap_err();
            assert!(matches!(err, Error::Decode(_)), "{err:?}");
        }
    }
}
