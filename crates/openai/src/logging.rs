//! `OPENAI_LOG`: the official SDK's logging switch (`reference/client.md` 11).
//!
//! The SDK logs through [`tracing`]: with a subscriber of your own you see its
//! events (targets `openai_core`, `openai_transport`, `openai_azure`) and its
//! `openai.request` and `attempt` spans already. [`init_from_env`] is for the
//! rest: like `OPENAI_LOG` in Python, `OPENAI_LOG=debug` or `OPENAI_LOG=info`
//! (exactly, lowercase) makes it install a process-wide subscriber that writes
//! the SDK's events of that level and above to standard error, one line each:
//!
//! ```text
//! [2024-01-02 03:04:05 - openai_transport::trace:123 - DEBUG] HTTP Response: POST 200
//! ```
//!
//! The time is UTC (Python writes local time). Other libraries' events are
//! not written. The events carry metadata only: no URL, query, header or body.
//!
//! ```no_run
//! // First thing in `main`:
//! if openai::logging::init_from_env() {
//!     eprintln!("logging the SDK's requests (OPENAI_LOG)");
//! }
//! ```

use std::fmt;
use std::io;
use std::time::{SystemTime, UNIX_EPOCH};

use openai_transport::time::{SystemClock, TimeSource};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields};
use tracing_subscriber::fmt::{FmtContext, MakeWriter};
use tracing_subscriber::layer::{Layer as _, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The crates whose events the subscriber writes.
const TARGETS: [&str; 4] = ["openai", "openai_core", "openai_transport", "openai_azure"];

/// Installs the `OPENAI_LOG` subscriber (see the [module docs](self)) when
/// `OPENAI_LOG` is `debug` or `info`.
///
/// Returns whether it was installed: `false` when `OPENAI_LOG` is unset or
/// another value, and when a process-wide subscriber is already set (which
/// then receives the SDK's events as before).
pub fn init_from_env() -> bool {
    let Some(level) = std::env::var("OPENAI_LOG").ok().as_deref().and_then(level) else {
        return false;
    };
    tracing::subscriber::set_global_default(subscriber(level, io::stderr)).is_ok()
}

/// The level `OPENAI_LOG=value` asks for.
fn level(value: &str) -> Option<Level> {
    match value {
        "debug" => Some(Level::DEBUG),
        "info" => Some(Level::INFO),
        _ => None,
    }
}

/// A subscriber writing the SDK's events of `level` and above to `writer`.
fn subscriber<W>(level: Level, writer: W) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let targets = TARGETS
        .iter()
        .fold(Targets::new(), |t, target| t.with_target(*target, level));
    tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .event_format(PythonFormat)
            .with_writer(writer)
            .with_filter(targets),
    )
}

/// `[<time> - <target>:<line> - <LEVEL>] <message>`, as Python's
/// `basicConfig` format of the official SDK.
struct PythonFormat;

impl<S, N> FormatEvent<S, N> for PythonFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: format::Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        write!(
            writer,
            "[{} - {}:{} - {}] ",
            Utc(SystemClock.now()),
            meta.target(),
            meta.line().unwrap_or(0),
            meta.level(),
        )?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// A time written as `%Y-%m-%d %H:%M:%S` in UTC.
struct Utc(SystemTime);

impl fmt::Display for Utc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let (days, rest) = (secs / 86_400, secs % 86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        )
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex, PoisonError};
    use std::time::Duration;

    use super::*;

    #[test]
    fn case_15_4_only_debug_and_info_switch_it_on() {
        assert_eq!(level("debug"), Some(Level::DEBUG));
        assert_eq!(level("info"), Some(Level::INFO));
        for other in ["", "DEBUG", "warn", "trace", "1", "true"] {
            assert_eq!(level(other), None, "{other:?}");
        }
    }

    #[test]
    fn times_are_written_in_utc_as_python_writes_them() {
        let at = |secs| Utc(UNIX_EPOCH + Duration::from_secs(secs)).to_string();
        assert_eq!(at(0), "1970-01-01 00:00:00");
        assert_eq!(at(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(at(1_704_164_645), "2024-01-02 03:04:05");
        assert_eq!(at(4_107_542_399), "2100-02-28 23:59:59");
    }

    /// Lines written, shared with the test.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Lines {
        type Writer = Lines;

        fn make_writer(&'w self) -> Lines {
            self.clone()
        }
    }

    #[test]
    fn writes_the_sdk_events_of_the_level_in_pythons_format() {
        let lines = Lines::default();
        let subscriber = subscriber(Level::INFO, lines.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(target: "openai_transport::retry", "Retrying request in 0.5 seconds");
            tracing::debug!(target: "openai_transport::trace", "too detailed for info");
            tracing::info!(target: "hyper::client", "another library");
        });
        let out = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let written: Vec<&str> = out.lines().collect();
        assert_eq!(written.len(), 1, "{out}");
        let line = written[0];
        // `[YYYY-MM-DD HH:MM:SS - target:line - LEVEL] message`
        assert_eq!(&line[..1], "[");
        assert_eq!(&line[5..6], "-");
        assert_eq!(&line[11..12], " ");
        assert!(
            line[20..].starts_with(" - openai_transport::retry:"),
            "{line}"
        );
        assert!(
            line.ends_with(" - INFO] Retrying request in 0.5 seconds"),
            "{line}"
        );
    }
}
