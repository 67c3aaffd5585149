//! The retry rules of `reference/client.md` section 4, as pure functions.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::headers::{RETRY_AFTER_MS, X_SHOULD_RETRY};

/// reference/client.md 4.1: `DEFAULT_MAX_RETRIES`.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// reference/client.md 4.1: `INITIAL_RETRY_DELAY`.
pub const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
/// reference/client.md 4.1: `MAX_RETRY_DELAY`.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(8);
/// reference/client.md 4.1: `MAX_RETRY_AFTER_DELAY`. A server delay above it
/// stops the retries.
pub const MAX_RETRY_AFTER_DELAY: Duration = Duration::from_secs(120);

/// What a classifier says about a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAction {
    /// No opinion: the next rule decides.
    NoOpinion,
    /// Retry.
    Retry,
    /// Do not retry, whatever the other rules say.
    Forbid,
}

/// A rule that reads the buffered body of an error response, run after the
/// header and status rules so it can veto them. Core plugs in OpenAI's body
/// rules (a 429 whose error code is `insufficient_quota` is not retried).
pub trait RetryClassifier: Send + Sync + 'static {
    /// Classifies an error response. `body` is the whole buffered body.
    fn classify(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> RetryAction;
}

impl RetryClassifier for () {
    fn classify(&self, _: StatusCode, _: &HeaderMap, _: &[u8]) -> RetryAction {
        RetryAction::NoOpinion
    }
}

impl<F> RetryClassifier for F
where
    F: Fn(StatusCode, &HeaderMap, &[u8]) -> RetryAction + Send + Sync + 'static,
{
    fn classify(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> RetryAction {
        self(status, headers, body)
    }
}

/// A shared classifier.
#[derive(Clone)]
pub struct SharedClassifier(pub(crate) Arc<dyn RetryClassifier>);

impl SharedClassifier {
    /// Wraps a classifier.
    pub fn new(c: impl RetryClassifier) -> Self {
        Self(Arc::new(c))
    }
}

impl fmt::Debug for SharedClassifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedClassifier")
    }
}

/// The server's requested delay, from `retry-after-ms` or `Retry-After`
/// (seconds or an HTTP-date), in seconds. reference/client.md 4.4.
///
/// `None` when no header is present or none parses; the value can be zero,
/// negative or non-finite, which the callers treat as "no usable delay".
pub fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<f64> {
    if let Some(ms) = headers
        .get(RETRY_AFTER_MS)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
    {
        return Some(ms / 1000.0);
    }
    let raw = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = raw.parse::<f64>() {
        return Some(secs);
    }
    let date = httpdate::parse_http_date(raw).ok()?;
    Some(match date.duration_since(now) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    })
}

/// Whether an error response may be retried on headers and status alone,
/// in the exact order of reference/client.md 4.2.
pub fn should_retry_status(status: StatusCode, headers: &HeaderMap, now: SystemTime) -> bool {
    if let Some(d) = server_delay(headers, now) {
        if d.is_finite() && d > MAX_RETRY_AFTER_DELAY.as_secs_f64() {
            return false;
        }
    }
    match headers.get(X_SHOULD_RETRY).map(|v| v.as_bytes()) {
        Some(b"true") => return true,
        Some(b"false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// The sleep before the retry that follows attempt `attempt` (0-based),
/// reference/client.md 4.3. `jitter` is uniform in `[0, 1)`.
pub fn retry_delay(attempt: u32, server_delay: Option<f64>, jitter: f64) -> Duration {
    if let Some(d) = server_delay {
        if d.is_finite() && d > 0.0 && d <= MAX_RETRY_AFTER_DELAY.as_secs_f64() {
            return Duration::from_secs_f64(d);
        }
    }
    let exp = attempt.min(1000) as i32;
    let base =
        (INITIAL_RETRY_DELAY.as_secs_f64() * 2f64.powi(exp)).min(MAX_RETRY_DELAY.as_secs_f64());
    Duration::from_secs_f64(base * (1.0 - 0.25 * jitter.clamp(0.0, 1.0)))
}

/// A uniform value in `[0, 1)` from the standard library's per-process
/// random hasher keys; no extra dependency and good enough for jitter.
/// A random number in [0, 1), from the standard library's random hasher
/// keys (no RNG crate): the jitter of backoffs.
pub fn jitter() -> f64 {
    let mut h = std::hash::RandomState::new().build_hasher();
    h.write_u64(0x9e37_79b9_7f4a_7c15);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    // tests-to-match.md 3: the clock is frozen at 1696004797.
    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_696_004_797)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    /// The sleep for `remaining` retries left out of 3, as the reference table counts.
    fn sleep_for(remaining: i64, retry_after: &str) -> f64 {
        let attempt = (3 - remaining).max(0) as u32;
        let h = headers(&[("retry-after", retry_after)]);
        retry_delay(attempt, server_delay(&h, now()), 0.0).as_secs_f64()
    }

    #[test]
    fn case_3_a_retry_after_table() {
        let table: &[(i64, &str, f64)] = &[
            (3, "20", 20.0),
            (3, "0", 0.5),
            (3, "-10", 0.5),
            (3, "60", 60.0),
            (3, "61", 61.0),
            (3, "120", 120.0),
            (3, "121", 0.5),
            (3, "Fri, 29 Sep 2023 16:26:57 GMT", 20.0),
            (3, "Fri, 29 Sep 2023 16:26:37 GMT", 0.5),
            (3, "Fri, 29 Sep 2023 16:26:27 GMT", 0.5),
            (3, "Fri, 29 Sep 2023 16:27:37 GMT", 60.0),
            (3, "Fri, 29 Sep 2023 16:27:38 GMT", 61.0),
            (3, "Fri, 29 Sep 2023 16:28:37 GMT", 120.0),
            (3, "Fri, 29 Sep 2023 16:28:38 GMT", 0.5),
            (3, "99999999999999999999999999999999999", 0.5),
            (3, "inf", 0.5),
            (3, "nan", 0.5),
            (3, "Zun, 29 Sep 2023 16:26:27 GMT", 0.5),
            (3, "Fri, 29 Sep 100000 16:26:57 GMT", 0.5),
            (3, "", 0.5),
            (2, "", 1.0),
            (1, "", 2.0),
            (-1100, "", 8.0),
        ];
        for (remaining, value, expected) in table {
            let got = sleep_for(*remaining, value);
            assert!(
                (got - expected).abs() <= expected * 0.4375,
                "retry-after {value:?} with {remaining} left: got {got}, want {expected}"
            );
            // With zero jitter the values are exact.
            assert!(
                (got - expected).abs() < 1e-9,
                "{value:?}: {got} != {expected}"
            );
        }
    }

    #[test]
    fn case_3_d_jitter_shortens_by_at_most_a_quarter() {
        for (attempt, base) in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)] {
            let hi = retry_delay(attempt, None, 0.0).as_secs_f64();
            let lo = retry_delay(attempt, None, 0.999_999).as_secs_f64();
            assert!((hi - base).abs() < 1e-9);
            assert!(lo > base * 0.75 - 1e-9 && lo < base);
        }
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }

    #[test]
    fn case_3_b_should_retry_429_table() {
        let s = StatusCode::TOO_MANY_REQUESTS;
        let cases: &[(&'static str, &str, bool)] = &[
            ("retry-after", "120", true),
            ("retry-after", "121", false),
            ("retry-after-ms", "120000", true),
            ("retry-after-ms", "120001", false),
            ("retry-after", "Fri, 29 Sep 2023 16:28:37 GMT", true),
            ("retry-after", "Fri, 29 Sep 2023 16:28:38 GMT", false),
        ];
        for (name, value, want) in cases {
            assert_eq!(
                should_retry_status(s, &headers(&[(name, value)]), now()),
                *want,
                "{name}: {value}"
            );
        }
    }

    #[test]
    fn status_rules() {
        let none = HeaderMap::new();
        for code in [408, 409, 429, 500, 502, 503, 504, 599] {
            assert!(
                should_retry_status(StatusCode::from_u16(code).unwrap(), &none, now()),
                "{code}"
            );
        }
        for code in [300, 302, 400, 401, 403, 404, 422] {
            assert!(
                !should_retry_status(StatusCode::from_u16(code).unwrap(), &none, now()),
                "{code}"
            );
        }
        let yes = headers(&[("x-should-retry", "true")]);
        let no = headers(&[("x-should-retry", "false")]);
        let odd = headers(&[("x-should-retry", "True")]);
        assert!(should_retry_status(StatusCode::BAD_REQUEST, &yes, now()));
        assert!(!should_retry_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            &no,
            now()
        ));
        assert!(should_retry_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            &odd,
            now()
        ));
        // The cap beats x-should-retry: true.
        let capped = headers(&[("x-should-retry", "true"), ("retry-after", "121")]);
        assert!(!should_retry_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            &capped,
            now()
        ));
    }

    #[test]
    fn case_3_c_delay_vectors_derived_from_code() {
        let d = |pairs: &[(&'static str, &str)]| {
            retry_delay(0, server_delay(&headers(pairs), now()), 0.0).as_secs_f64()
        };
        assert_eq!(d(&[("retry-after-ms", "1500")]), 1.5);
        assert_eq!(d(&[("retry-after-ms", "abc"), ("retry-after", "3")]), 3.0);
        assert_eq!(d(&[("retry-after", "1.5")]), 1.5);
        // The ms header wins with 0, which is not > 0: exponential backoff.
        assert_eq!(d(&[("retry-after-ms", "0"), ("retry-after", "5")]), 0.5);
    }
}
