//! The webhook verifier ([`openai_core::webhooks::WebhookVerifier`]): a
//! payload signed with the right secret and a timestamp within tolerance
//! verifies; any one-byte change to the payload, the id, the timestamp or
//! the signature fails; a timestamp out of tolerance fails; garbage headers
//! never panic.

use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue};
use openai_core::webhooks::{
    WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP, WebhookError, WebhookVerifier,
};
use openai_transport::time::TimeSource;
use sha2::Sha256;

use crate::corpus;
use crate::rng::Rng;

pub(crate) const TOKENS: &[&[u8]] = &[
    b"\"type\":",
    b"\"data\":{",
    b"\"created_at\":",
    b"v1,",
    b"whsec_",
    b"==",
];

pub(crate) fn seeds() -> Vec<Vec<u8>> {
    corpus::bytes_of(corpus::WEBHOOK_PAYLOADS)
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
struct Fixed(SystemTime);

impl TimeSource for Fixed {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `v1,<base64 HMAC-SHA256 of "id.timestamp.payload">`.
fn sign(key: &[u8], id: &str, timestamp: &str, payload: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(payload);
    base64(&mac.finalize().into_bytes())
}

fn headers(id: &[u8], timestamp: &[u8], signature: &[u8]) -> Option<HeaderMap> {
    let mut h = HeaderMap::new();
    h.insert(WEBHOOK_ID, HeaderValue::from_bytes(id).ok()?);
    h.insert(WEBHOOK_TIMESTAMP, HeaderValue::from_bytes(timestamp).ok()?);
    h.insert(WEBHOOK_SIGNATURE, HeaderValue::from_bytes(signature).ok()?);
    Some(h)
}

/// A byte that can stand in a header value, other than `old`.
fn other_byte(rng: &mut Rng, old: u8) -> u8 {
    loop {
        let b = 0x20 + rng.byte() % 0x5f;
        if b != old {
            return b;
        }
    }
}

pub(crate) fn run(input: &[u8], aux: u64) {
    let mut rng = Rng::new(aux);
    let now_secs = 1_700_000_000 + rng.below(1 << 30) as u64;
    let tolerance = 1 + rng.below(600) as u64;
    let verifier = |secret: &str| {
        WebhookVerifier::new(secret)
            .tolerance(Duration::from_secs(tolerance))
            .time_source(Fixed(
                SystemTime::UNIX_EPOCH + Duration::from_secs(now_secs),
            ))
    };
    // A raw secret, or `whsec_` and the base64 of the key.
    let key: Vec<u8> = (0..1 + rng.below(48)).map(|_| rng.byte()).collect();
    let (secret, key) = if rng.one_in(2) {
        (format!("whsec_{}", base64(&key)), key)
    } else {
        let len = 1 + rng.below(24);
        let raw = super::values::string(&mut rng, len);
        let bytes = raw.as_bytes().to_vec();
        (raw, bytes)
    };
    let v = verifier(&secret);
    let id = format!("msg_{}", rng.next_u64());
    let skew = rng.below(2 * tolerance as usize + 1) as i64 - tolerance as i64;
    let timestamp = (now_secs as i64 + skew).to_string();
    let signature = sign(&key, &id, &timestamp, input);
    // Other signatures may come first, as when a secret is being rotated.
    let header = match rng.below(3) {
        0 => format!("v1,{signature}"),
        1 => format!(
            "v1,{} v1,{signature}",
            sign(b"other", &id, &timestamp, input)
        ),
        _ => format!("v1a,xyz  v1,{signature} "),
    };
    let good =
        headers(id.as_bytes(), timestamp.as_bytes(), header.as_bytes()).expect("valid headers");

    let verified = v.verify_signature(input, &good);
    let unwrapped = v.unwrap(input, &good);
    match std::str::from_utf8(input) {
        Ok(text) => {
            assert!(verified.is_ok(), "a signed payload fails: {verified:?}");
            let is_json = serde_json::from_str::<serde_json::Value>(text).is_ok();
            assert_eq!(unwrapped.is_ok(), is_json, "unwrap: {unwrapped:?}");
            if let Err(e) = &unwrapped {
                assert!(matches!(e, WebhookError::InvalidPayload(_)), "{e:?}");
            }
        }
        Err(_) => assert!(
            matches!(verified, Err(WebhookError::InvalidPayload(_))),
            "a payload that is not UTF-8: {verified:?}"
        ),
    }

    // One byte changed anywhere signed: the payload, the id, the timestamp,
    // or the base64 of the signature.
    let mut payload = input.to_vec();
    let mut id_b = id.clone().into_bytes();
    let mut ts_b = timestamp.clone().into_bytes();
    let mut sig_b = header.clone().into_bytes();
    match rng.below(4) {
        0 if !payload.is_empty() => {
            let at = rng.below(payload.len());
            payload[at] ^= 1 << rng.below(8);
        }
        1 => {
            let at = rng.below(id_b.len());
            id_b[at] = other_byte(&mut rng, id_b[at]);
        }
        2 => {
            let at = rng.below(ts_b.len());
            ts_b[at] = other_byte(&mut rng, ts_b[at]);
        }
        _ => {
            let start = header.rfind(signature.as_str()).expect("the signature");
            let at = start + rng.below(signature.len());
            sig_b[at] = other_byte(&mut rng, sig_b[at]);
        }
    }
    if let Some(h) = headers(&id_b, &ts_b, &sig_b) {
        let got = v.verify_signature(&payload, &h);
        assert!(got.is_err(), "a changed webhook verifies");
    }

    // Out of tolerance, signed correctly: too old or too new.
    let off = tolerance as i64 + 1 + rng.below(1 << 20) as i64;
    for (ts, want_old) in [
        (now_secs as i64 - off, true),
        (now_secs as i64 + off, false),
    ] {
        let ts = ts.to_string();
        let sig = format!("v1,{}", sign(&key, &id, &ts, input));
        let h = headers(id.as_bytes(), ts.as_bytes(), sig.as_bytes()).expect("valid headers");
        match v.verify_signature(input, &h) {
            Err(WebhookError::TimestampTooOld) => assert!(want_old),
            Err(WebhookError::TimestampTooNew) => assert!(!want_old),
            other => panic!("a timestamp {off} s out of tolerance gives {other:?}"),
        }
    }

    // Garbage headers from the input itself: an error, never a panic.
    let third = input.len() / 3;
    let (a, rest) = input.split_at(third);
    let (b, c) = rest.split_at(third);
    if let Some(h) = headers(a, b, c) {
        assert!(
            v.verify_signature(input, &h).is_err(),
            "garbage headers verify"
        );
        assert!(v.unwrap(input, &h).is_err());
    }
    // A garbage secret never panics either.
    let garbage = String::from_utf8_lossy(a);
    let _ = verifier(&format!("whsec_{garbage}")).verify_signature(input, &good);
    let _ = verifier(&garbage).verify_signature(input, &good);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
