//! The signature check itself: a pure function of the payload, the headers,
//! the secret, the tolerance and the time.
//!
//! Every rule here is reference/helpers.md (c), which follows openai-python's
//! `Webhooks.verify_signature`; the order of the checks is the same, so the
//! same request fails with the same error.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName};
use sha2::Sha256;

use super::base64;
use super::error::{PayloadError, WebhookError};
use super::{WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP};

/// The prefix of a secret whose rest is the base64 of the key.
const SECRET_PREFIX: &str = "whsec_";

/// The prefix of a version-1 signature in `webhook-signature`.
const SIGNATURE_PREFIX: &[u8] = b"v1,";

/// Verifies `payload` and returns it as text.
pub(super) fn verify<'p>(
    payload: &'p [u8],
    headers: &HeaderMap,
    secret: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<&'p str, WebhookError> {
    let signature = header(headers, WEBHOOK_SIGNATURE)?;
    let timestamp = header(headers, WEBHOOK_TIMESTAMP)?;
    let id = header(headers, WEBHOOK_ID)?;

    let sent = parse_timestamp(timestamp).ok_or(WebhookError::InvalidTimestamp)?;
    let now = unix_seconds(now);
    let tolerance = i128::from(tolerance.as_secs());
    // "Too old" first, and both bounds inclusive, as in Python.
    if now.saturating_sub(sent) > tolerance {
        return Err(WebhookError::TimestampTooOld);
    }
    if sent > now.saturating_add(tolerance) {
        return Err(WebhookError::TimestampTooNew);
    }

    let key = match secret.strip_prefix(SECRET_PREFIX) {
        Some(encoded) => {
            Cow::Owned(base64::decode(encoded.as_bytes()).ok_or(WebhookError::InvalidSecret)?)
        }
        None => Cow::Borrowed(secret.as_bytes()),
    };
    let body = std::str::from_utf8(payload)
        .map_err(|e| WebhookError::InvalidPayload(PayloadError::utf8(e)))?;

    // HMAC takes a key of any length; the error cannot happen.
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| WebhookError::InvalidSecret)?;
    // The timestamp as received, not as parsed: `+0017` is signed as `+0017`.
    let signed: [&[u8]; 5] = [id, b".", timestamp, b".", body.as_bytes()];
    for part in signed {
        mac.update(part);
    }

    for token in signature.split(|&b| is_space(b)).filter(|t| !t.is_empty()) {
        let candidate = token.strip_prefix(SIGNATURE_PREFIX).unwrap_or(token);
        // Python's `hmac.compare_digest` raises on a non-ASCII string, which
        // ends the search at that candidate.
        if !candidate.is_ascii() {
            break;
        }
        // Strict decoding accepts only the canonical encoding, so this
        // accepts exactly what comparing base64 strings would; the byte
        // comparison is `verify_slice`'s, in constant time.
        if let Some(bytes) = base64::decode(candidate) {
            if mac.clone().verify_slice(&bytes).is_ok() {
                return Ok(body);
            }
        }
    }
    Err(WebhookError::InvalidSignature)
}

/// A header's raw bytes. An empty value is present (Python returns `""`).
fn header(headers: &HeaderMap, name: HeaderName) -> Result<&[u8], WebhookError> {
    match headers.get(&name) {
        Some(v) => Ok(v.as_bytes()),
        None => Err(WebhookError::MissingHeader(name)),
    }
}

/// Python's `int(text)` for base-10 ASCII: surrounding whitespace, one sign,
/// digits with single `_` between them, leading zeros allowed. Values beyond
/// `i128` saturate, which keeps every comparison with the clock right.
fn parse_timestamp(raw: &[u8]) -> Option<i128> {
    let start = raw.iter().position(|&b| !is_space(b))?;
    let end = raw.iter().rposition(|&b| !is_space(b))?;
    let text = &raw[start..=end];
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let mut value: i128 = 0;
    // Starting "after an underscore" rejects a leading one.
    let mut after_underscore = true;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                value = value
                    .saturating_mul(10)
                    .saturating_add(i128::from(b - b'0'));
                after_underscore = false;
            }
            b'_' if !after_underscore => after_underscore = true,
            _ => return None,
        }
    }
    // Also rejects no digits at all (`""`, `"+"`) and a trailing `_`.
    if after_underscore {
        return None;
    }
    Some(if negative { -value } else { value })
}

/// Python's `int(time.time())`: whole seconds, truncated toward zero.
fn unix_seconds(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i128::from(d.as_secs()),
        Err(before) => -i128::from(before.duration().as_secs()),
    }
}

/// The ASCII characters Python's `str.split()` and `int()` treat as space.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x1c..=0x1f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<i128> {
        parse_timestamp(s.as_bytes())
    }

    #[test]
    fn timestamps_parse_like_python_int() {
        assert_eq!(parse("1700000000"), Some(1_700_000_000));
        assert_eq!(parse(" \t1700000000 "), Some(1_700_000_000));
        assert_eq!(parse("+1700000000"), Some(1_700_000_000));
        assert_eq!(parse("0001700000000"), Some(1_700_000_000));
        assert_eq!(parse("1_700_000_000"), Some(1_700_000_000));
        assert_eq!(parse("-5"), Some(-5));
        assert_eq!(parse("-0"), Some(0));
        for bad in [
            "", " ", "+", "-", "1.5", "abc", "1e9", "0x10", "1 0", "+ 1", "++1", "_1", "1_",
            "1__0", "+_1", "١٧",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn huge_timestamps_saturate() {
        let huge = "9".repeat(60);
        assert_eq!(parse(&huge), Some(i128::MAX));
        assert_eq!(parse(&format!("-{huge}")), Some(-i128::MAX));
    }

    #[test]
    fn unix_seconds_truncate_toward_zero() {
        let t = UNIX_EPOCH + Duration::from_millis(1500);
        assert_eq!(unix_seconds(t), 1);
        let t = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(unix_seconds(t), -1);
    }

    #[test]
    fn space_is_pythons_ascii_whitespace() {
        for b in [b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r', 0x1c, 0x1f] {
            assert!(is_space(b), "{b:#x}");
        }
        for b in [b'a', b',', 0x00, 0x7f, 0xa0] {
            assert!(!is_space(b), "{b:#x}");
        }
    }
}
