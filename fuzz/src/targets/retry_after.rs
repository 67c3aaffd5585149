//! The Retry-After parser (`openai_transport::retry::server_delay`) and the
//! delay it feeds (`retry_delay`, `should_retry_status`): any header value
//! gives no delay or a number, and the sleep is always bounded.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue, StatusCode};
use openai_transport::retry::{
    MAX_RETRY_AFTER_DELAY, MAX_RETRY_DELAY, retry_delay, server_delay, should_retry_status,
};

pub(crate) const TOKENS: &[&[u8]] = &[
    b"GMT",
    b"Fri, 29 Sep 2023 16:26:57 GMT",
    b"Sunday, 06-Nov-94 08:49:37 GMT",
    b"Sun Nov  6 08:49:37 1994",
    b"Mon, 01 Jan 9999 00:00:00 GMT",
    b"Thu, 01 Jan 1970 00:00:00 GMT",
    b"1e308",
    b"-inf",
    b"inf",
    b"nan",
    b"0.0001",
    b"120",
    b"121",
    b"+5",
];

pub(crate) fn seeds() -> Vec<Vec<u8>> {
    [
        "20",
        "0",
        "-10",
        "120",
        "121",
        "1.5",
        "  7  ",
        "Fri, 29 Sep 2023 16:26:57 GMT",
        "Fri, 29 Sep 2023 16:28:38 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "soon",
        "",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// The longest sleep any answer can ask for.
fn longest() -> Duration {
    MAX_RETRY_AFTER_DELAY.max(MAX_RETRY_DELAY)
}

pub(crate) fn run(input: &[u8], aux: u64) {
    let Ok(value) = HeaderValue::from_bytes(input) else {
        // Not a header value at all: no client can receive it.
        return;
    };
    // A clock from 1970 to well past 2100, the one in the reference tests more often.
    let now = if aux % 3 == 0 {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_696_004_797)
    } else {
        SystemTime::UNIX_EPOCH + Duration::from_secs((aux >> 2) % 5_000_000_000)
    };
    let mut headers = HeaderMap::new();
    match (aux >> 40) % 3 {
        0 => {
            headers.insert("retry-after", value);
        }
        1 => {
            headers.insert("retry-after-ms", value);
        }
        _ => {
            headers.insert("retry-after-ms", value.clone());
            headers.insert("retry-after", value);
        }
    }
    let delay = server_delay(&headers, now);
    assert_eq!(
        delay.map(f64::to_bits),
        server_delay(&headers, now).map(f64::to_bits),
        "not deterministic"
    );

    let attempt = ((aux >> 44) % 40) as u32;
    let jitter = ((aux >> 50) % 1024) as f64 / 1024.0;
    let sleep = retry_delay(attempt, delay, jitter);
    assert!(sleep <= longest(), "a sleep of {sleep:?} for {delay:?}");
    match delay {
        Some(d) if d.is_finite() && d > 0.0 && d <= MAX_RETRY_AFTER_DELAY.as_secs_f64() => {
            assert_eq!(
                sleep,
                Duration::from_secs_f64(d),
                "the server's delay is not used"
            );
        }
        _ => {
            assert!(sleep <= MAX_RETRY_DELAY, "a backoff of {sleep:?}");
            assert!(
                sleep >= Duration::from_millis(375),
                "a backoff of {sleep:?}"
            );
        }
    }

    let status = StatusCode::from_u16(400 + ((aux >> 8) % 200) as u16).expect("a status");
    let retry = should_retry_status(status, &headers, now);
    if let Some(d) = delay.filter(|d| d.is_finite() && *d > MAX_RETRY_AFTER_DELAY.as_secs_f64()) {
        assert!(!retry, "retried although the server asked for {d} s");
    }

    // A plain number of seconds (the common case) reads as that number.
    if (aux >> 40) % 3 == 0 && input.is_ascii() {
        if let Some(n) = std::str::from_utf8(input)
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
        {
            assert_eq!(delay, Some(f64::from(n)));
        }
    }
}
