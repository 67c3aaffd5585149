//! Tests of `client.webhooks()` and [`WebhookVerifier`]: every rule of
//! reference/helpers.md (c). Signatures are computed here from known inputs;
//! two are hard-coded values computed with Python's `hmac` and `base64`.
//! This file: the signature rules, through a verifier with a fixed clock;
//! `client.rs`: secret resolution, `unwrap`, and what errors may show.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use openai_transport::time::FixedClock;
use sha2::Sha256;

use super::*;

mod client;

const SECRET: &str = "whsec_b3BlbmFpLXJzIHdlYmhvb2sgdGVzdCBrZXkgMzJiISE=";
const KEY: &[u8] = b"openai-rs webhook test key 32b!!";
const ID: &str = "wh_123";
const TS: u64 = 1_700_000_000;
const BODY: &str = r#"{"type":"batch.completed"}"#;

/// base64(HMAC-SHA256(KEY, "wh_123.1700000000." + BODY)), from python3:
/// `base64.b64encode(hmac.new(key, signed.encode(), hashlib.sha256).digest())`.
const PYTHON_SIGNATURE: &str = "2tov2+7++ZRscUjIvC7N21KCDSxZw1PBV5H9gu9XYNY=";

fn sign(key: &[u8], id: &str, timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    base64::encode(&mac.finalize().into_bytes())
}

fn headers(id: &str, timestamp: &str, signature: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(WEBHOOK_ID, HeaderValue::from_str(id).unwrap());
    h.insert(WEBHOOK_TIMESTAMP, HeaderValue::from_str(timestamp).unwrap());
    h.insert(WEBHOOK_SIGNATURE, HeaderValue::from_str(signature).unwrap());
    h
}

fn signed_headers(timestamp: &str) -> HeaderMap {
    let sig = sign(KEY, ID, timestamp, BODY);
    headers(ID, timestamp, &format!("v1,{sig}"))
}

fn at(secs: u64) -> FixedClock {
    FixedClock(UNIX_EPOCH + Duration::from_secs(secs))
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(SECRET).time_source(at(TS))
}

#[test]
fn hmac_sha256_known_answer() {
    // RFC 4231-style check against Python:
    // base64.b64encode(hmac.new(b"key", b"The quick ...", hashlib.sha256).digest())
    let mut mac = Hmac::<Sha256>::new_from_slice(b"key").unwrap();
    mac.update(b"The quick brown fox jumps over the lazy dog");
    assert_eq!(
        base64::encode(&mac.finalize().into_bytes()),
        "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="
    );
    assert_eq!(base64::decode(&SECRET.as_bytes()[6..]).unwrap(), KEY);
    assert_eq!(sign(KEY, ID, "1700000000", BODY), PYTHON_SIGNATURE);
}

#[test]
fn case_17_1_python_computed_signature_verifies() {
    let h = headers(ID, "1700000000", &format!("v1,{PYTHON_SIGNATURE}"));
    verifier().verify_signature(BODY, &h).unwrap();
    verifier().verify_signature(BODY.as_bytes(), &h).unwrap();
    // Owned payloads too.
    let (text, bytes) = (String::from(BODY), Vec::from(BODY.as_bytes()));
    verifier().verify_signature(text, &h).unwrap();
    verifier().verify_signature(bytes, &h).unwrap();
    let shared = bytes::Bytes::from_static(BODY.as_bytes());
    verifier().verify_signature(shared, &h).unwrap();
}

/// Also covers tests-to-match.md case 17.3.
#[test]
fn case_17_6_signature_header_forms() {
    let good = sign(KEY, ID, "1700000000", BODY);
    let bad = sign(b"other key", ID, "1700000000", BODY);
    let v = verifier();
    for header in [
        format!("v1,{good}"),
        good.clone(),                           // no prefix: taken verbatim
        format!("v1,{bad} v1,{good}"),          // any match, in any position
        format!("v1,{good} v1,{bad}"),          // ...
        format!("  v0,zzz\tv1,{bad}  {good} "), // any whitespace, other versions
        format!("v1, {good}"),                  // the space splits the token
    ] {
        let h = headers(ID, "1700000000", &header);
        assert!(v.verify_signature(BODY, &h).is_ok(), "{header}");
    }
    for header in [
        String::new(),
        format!("v1,{bad}"),
        format!("v1,{bad} v2,{good}"), // only `v1,` is stripped
        format!("v1,{good}x"),
    ] {
        let h = headers(ID, "1700000000", &header);
        let err = v.verify_signature(BODY, &h).unwrap_err();
        assert!(matches!(err, WebhookError::InvalidSignature), "{header}");
    }
    // The same MAC, not in its canonical base64 form, does not match.
    let unpadded = good.trim_end_matches('=');
    let h = headers(ID, "1700000000", &format!("v1,{unpadded}"));
    assert!(v.verify_signature(BODY, &h).is_err());
}

#[test]
fn a_non_ascii_candidate_ends_the_search() {
    let good = sign(KEY, ID, "1700000000", BODY);
    let header = |raw: Vec<u8>| {
        let mut h = headers(ID, "1700000000", "x");
        h.insert(WEBHOOK_SIGNATURE, HeaderValue::from_bytes(&raw).unwrap());
        h
    };
    let after = header([b"v1,\xe9 v1,", good.as_bytes()].concat());
    let err = verifier().verify_signature(BODY, &after).unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature));
    let before = header([b"v1,", good.as_bytes(), b" v1,\xe9"].concat());
    verifier().verify_signature(BODY, &before).unwrap();
}

#[test]
fn every_part_is_signed() {
    let v = verifier();
    let h = signed_headers("1700000000");
    assert!(v.verify_signature(BODY, &h).is_ok());
    let err = v.verify_signature(r#"{"type":"batch.failed"}"#, &h);
    assert!(matches!(err, Err(WebhookError::InvalidSignature)));
    let mut other_id = h.clone();
    other_id.insert(WEBHOOK_ID, HeaderValue::from_static("wh_124"));
    let err = v.verify_signature(BODY, &other_id);
    assert!(matches!(err, Err(WebhookError::InvalidSignature)));
    let mut other_ts = h;
    other_ts.insert(WEBHOOK_TIMESTAMP, HeaderValue::from_static("1700000001"));
    let err = v.verify_signature(BODY, &other_ts);
    assert!(matches!(err, Err(WebhookError::InvalidSignature)));
}

#[test]
fn case_17_4_headers_are_required_in_order_and_case_insensitive() {
    let v = verifier();
    let full = signed_headers("1700000000");
    let mut h = HeaderMap::new();
    for name in [WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP, WEBHOOK_ID] {
        match v.verify_signature(BODY, &h) {
            Err(WebhookError::MissingHeader(missing)) => assert_eq!(missing, name),
            other => panic!("{name}: {other:?}"),
        }
        // Added under a mixed-case spelling: header names are case-insensitive.
        let mixed = HeaderName::from_bytes(name.as_str().to_uppercase().as_bytes()).unwrap();
        h.insert(mixed, full[&name].clone());
    }
    v.verify_signature(BODY, &h).unwrap();
    let err = v.verify_signature(BODY, &HeaderMap::new()).unwrap_err();
    assert_eq!(err.to_string(), "could not find webhook-signature header");
    assert!(!err.is_invalid_signature());
}

#[test]
fn timestamp_is_signed_as_received() {
    let v = verifier();
    for raw in [
        " 1700000000 ",
        "+1700000000",
        "0001700000000",
        "1_700_000_000",
    ] {
        v.verify_signature(BODY, &signed_headers(raw))
            .unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        // Signed over the parsed value instead: no match.
        let sig = sign(KEY, ID, "1700000000", BODY);
        let h = headers(ID, raw, &format!("v1,{sig}"));
        let err = v.verify_signature(BODY, &h).unwrap_err();
        assert!(matches!(err, WebhookError::InvalidSignature), "{raw:?}");
    }
}

#[test]
fn malformed_timestamps_are_signature_errors() {
    for raw in ["", "1.5", "abc", "1700000000s", "0x6553f100"] {
        let err = verifier()
            .verify_signature(BODY, &signed_headers(raw))
            .unwrap_err();
        assert!(matches!(err, WebhookError::InvalidTimestamp), "{raw:?}");
        assert!(err.is_invalid_signature());
        assert_eq!(err.to_string(), "invalid webhook timestamp format");
    }
}

#[test]
fn case_17_5_tolerance_bounds_are_inclusive_both_ways() {
    let h = signed_headers("1700000000");
    let check = |now: u64, tolerance: Duration| {
        WebhookVerifier::new(SECRET)
            .tolerance(tolerance)
            .time_source(at(now))
            .verify_signature(BODY, &h)
    };
    let d = DEFAULT_TOLERANCE;
    assert_eq!(d, Duration::from_secs(300));
    assert!(check(TS + 300, d).is_ok());
    assert!(matches!(
        check(TS + 301, d),
        Err(WebhookError::TimestampTooOld)
    ));
    assert!(check(TS - 300, d).is_ok());
    assert!(matches!(
        check(TS - 301, d),
        Err(WebhookError::TimestampTooNew)
    ));
    let ten = Duration::from_secs(10);
    assert!(check(TS + 10, ten).is_ok());
    assert!(matches!(
        check(TS + 11, ten),
        Err(WebhookError::TimestampTooOld)
    ));
    assert!(matches!(
        check(TS - 11, ten),
        Err(WebhookError::TimestampTooNew)
    ));
    assert!(check(TS, Duration::ZERO).is_ok());
    assert!(check(TS + 1, Duration::ZERO).is_err());
    // Whole seconds: a fraction of the clock or of the tolerance is dropped.
    assert!(check(TS + 300, Duration::from_millis(300_999)).is_ok());
    let late = FixedClock(UNIX_EPOCH + Duration::from_millis((TS + 300) * 1000 + 999));
    let v = WebhookVerifier::new(SECRET).time_source(late);
    assert!(v.verify_signature(BODY, &h).is_ok());
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    let v = verifier();
    let far = "9".repeat(50);
    let err = v.verify_signature(BODY, &signed_headers(&far)).unwrap_err();
    assert!(matches!(err, WebhookError::TimestampTooNew));
    let err = v
        .verify_signature(BODY, &signed_headers(&format!("-{far}")))
        .unwrap_err();
    assert!(matches!(err, WebhookError::TimestampTooOld));
    let before_epoch = WebhookVerifier::new(SECRET)
        .time_source(FixedClock(SystemTime::UNIX_EPOCH - Duration::from_secs(10)));
    let err = before_epoch
        .verify_signature(BODY, &signed_headers("1700000000"))
        .unwrap_err();
    assert!(matches!(err, WebhookError::TimestampTooNew));
}

#[test]
fn checks_run_in_python_order() {
    let bad_secret = WebhookVerifier::new("whsec_not base64!").time_source(at(TS));
    let old = WebhookVerifier::new("whsec_not base64!").time_source(at(TS + 1000));
    let h = headers(ID, "1700000000", "v1,wrong");
    // Timestamp before the secret, the secret before the payload and the MAC.
    assert!(matches!(
        old.verify_signature(b"\xff", &h),
        Err(WebhookError::TimestampTooOld)
    ));
    assert!(matches!(
        bad_secret.verify_signature(b"\xff", &h),
        Err(WebhookError::InvalidSecret)
    ));
    match verifier().verify_signature(b"\xff", &h) {
        Err(WebhookError::InvalidPayload(e)) => assert!(e.is_utf8()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn case_17_7_secret_forms() {
    let h = |key: &[u8]| {
        let sig = sign(key, ID, "1700000000", BODY);
        headers(ID, "1700000000", &format!("v1,{sig}"))
    };
    let v = |s: &str| WebhookVerifier::new(s).time_source(at(TS));
    // Without `whsec_`, the text itself is the key.
    v("plain secret")
        .verify_signature(BODY, &h(b"plain secret"))
        .unwrap();
    // The base64 text is not the key.
    let err = v(SECRET).verify_signature(BODY, &h(SECRET.as_bytes()));
    assert!(matches!(err, Err(WebhookError::InvalidSignature)));
    // Empty secrets are keys too.
    v("").verify_signature(BODY, &h(b"")).unwrap();
    v("whsec_").verify_signature(BODY, &h(b"")).unwrap();
    for bad in [
        "whsec_???",
        "whsec_b3Blbm",
        "whsec_b3BlbmFp\n",
        "whsec_b3Blbm-p",
    ] {
        let err = v(bad).verify_signature(BODY, &h(KEY)).unwrap_err();
        assert!(matches!(err, WebhookError::InvalidSecret), "{bad:?}");
        assert!(!err.is_invalid_signature());
    }
}

/// The vector shared by the Python and TypeScript SDKs' webhook tests
/// (tests-to-match group 17).
mod shared {
    pub(super) const SECRET: &str = "whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=";
    pub(super) const PAYLOAD: &str = r#"{"id": "evt_685c059ae3a481909bdc86819b066fb6", "object": "event", "created_at": 1750861210, "type": "response.completed", "data": {"id": "resp_123"}}"#;
    pub(super) const TIMESTAMP: u64 = 1_750_861_210;
    pub(super) const ID: &str = "wh_685c059ae39c8190af8c71ed1022a24d";
    pub(super) const SIGNATURE: &str = "v1,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=";
}

/// The shared vector's headers with `timestamp` and `signature`.
fn shared_headers(timestamp: u64, signature: &str) -> HeaderMap {
    headers(shared::ID, &timestamp.to_string(), signature)
}

/// A verifier with `secret` and the clock at the shared vector's timestamp.
fn shared_verifier(secret: &str) -> WebhookVerifier {
    WebhookVerifier::new(secret).time_source(at(shared::TIMESTAMP))
}

#[test]
fn case_17_1_the_shared_vector_verifies_and_unwraps() {
    let h = shared_headers(shared::TIMESTAMP, shared::SIGNATURE);
    let v = shared_verifier(shared::SECRET);
    v.verify_signature(shared::PAYLOAD, &h).unwrap();
    // Bytes too, owned or borrowed.
    let bytes: Vec<u8> = shared::PAYLOAD.into();
    v.verify_signature(bytes, &h).unwrap();
    v.verify_signature(shared::PAYLOAD.as_bytes(), &h).unwrap();
    match v.unwrap(shared::PAYLOAD, &h).unwrap() {
        WebhookEvent::ResponseCompleted(e) => {
            assert_eq!(e.id, "evt_685c059ae3a481909bdc86819b066fb6");
            assert_eq!(e.created_at, 1_750_861_210);
            assert_eq!(e.data.id, "resp_123");
        }
        other => panic!("expected response.completed, got {other:?}"),
    }
}

#[test]
fn case_17_3_a_wrong_secret_does_not_match_the_shared_vector() {
    let h = shared_headers(shared::TIMESTAMP, shared::SIGNATURE);
    let err = shared_verifier("invalid_secret")
        .verify_signature(shared::PAYLOAD, &h)
        .unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the given webhook signature does not match the expected signature"
    );
}

#[test]
fn case_17_5_timestamps_400_s_away_are_too_old_or_too_new() {
    let v = shared_verifier(shared::SECRET);
    let old = shared_headers(shared::TIMESTAMP - 400, shared::SIGNATURE);
    let err = v.verify_signature(shared::PAYLOAD, &old).unwrap_err();
    assert!(matches!(err, WebhookError::TimestampTooOld), "{err:?}");
    assert!(err.to_string().contains("too old"), "{err}");
    let new = shared_headers(shared::TIMESTAMP + 400, shared::SIGNATURE);
    let err = v.verify_signature(shared::PAYLOAD, &new).unwrap_err();
    assert!(matches!(err, WebhookError::TimestampTooNew), "{err:?}");
    assert!(err.to_string().contains("too new"), "{err}");
    // A 600 s tolerance lets the old timestamp through the age check; the
    // signature was made over the real timestamp, so it does not match.
    let err = shared_verifier(shared::SECRET)
        .tolerance(Duration::from_secs(600))
        .verify_signature(shared::PAYLOAD, &old)
        .unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature), "{err:?}");
}

#[test]
fn case_17_6_the_shared_signature_is_found_among_invalid_ones() {
    let v = shared_verifier(shared::SECRET);
    let mixed = format!("v1,invalid_signature {}", shared::SIGNATURE);
    v.verify_signature(shared::PAYLOAD, &shared_headers(shared::TIMESTAMP, &mixed))
        .unwrap();
    let invalid = shared_headers(
        shared::TIMESTAMP,
        "v1,invalid_signature1 v1,invalid_signature2",
    );
    let err = v.verify_signature(shared::PAYLOAD, &invalid).unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature), "{err:?}");
}
