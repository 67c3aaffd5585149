//! The error-body parser ([`openai_core::ApiError::from_response`]): any
//! bytes with any status give a typed error with that status, its kind, a
//! message and the raw body, never a panic.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use openai_core::Error;
use openai_core::error::{ApiError, ApiErrorKind};
use serde_json::Value;

use crate::corpus;

pub(crate) const TOKENS: &[&[u8]] = &[
    b"\"error\":",
    b"\"message\":",
    b"\"type\":",
    b"\"code\":",
    b"\"param\":",
    b"{\"error\":{\"message\":\"m\"}}",
    b"<html>",
];

pub(crate) fn seeds() -> Vec<Vec<u8>> {
    corpus::bytes_of(corpus::ERROR_BODIES)
}

pub(crate) fn run(input: &[u8], aux: u64) {
    // Any status from 100 to 999, with the common error ones more often.
    let code = match aux % 4 {
        0 => [400, 401, 403, 404, 409, 422, 429, 500, 503][(aux >> 8) as usize % 9],
        _ => 100 + ((aux >> 8) % 900) as u16,
    };
    let status = StatusCode::from_u16(code).expect("100..=999 is a status");
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", HeaderValue::from_static("req_fuzz"));
    let raw = Bytes::copy_from_slice(input);
    let err = ApiError::from_response(status, headers, raw.clone());

    assert_eq!(err.status(), status);
    assert_eq!(err.kind(), ApiErrorKind::from_status(status));
    assert_eq!(err.raw_body(), &raw);
    assert_eq!(err.request_id(), Some("req_fuzz"));
    assert!(!err.message().is_empty(), "an empty message");
    assert!(!err.is_stream_error());
    assert_eq!(err.is_rate_limit(), code == 429);
    assert_eq!(err.is_server_error(), code >= 500);

    // The message the body's `error` object gives is the message.
    let text = String::from_utf8_lossy(input);
    match serde_json::from_str::<Value>(text.trim()) {
        Ok(json) => {
            let body = match &json {
                Value::Object(map) if map.contains_key("error") => &map["error"],
                other => other,
            };
            match body
                .get("message")
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
            {
                Some(m) => assert_eq!(err.message(), m),
                None => assert_eq!(err.message(), format!("Error code: {code}")),
            }
            if let Some(t) = body.get("type").and_then(Value::as_str) {
                assert_eq!(err.error_type(), Some(t));
            }
        }
        Err(_) if text.trim().is_empty() => {
            assert_eq!(err.message(), format!("Error code: {code}"));
        }
        Err(_) => assert_eq!(err.message(), text.trim()),
    }

    // Showing it never panics, and the client's error wraps it.
    let shown = format!("{err} {err:?}");
    assert!(shown.contains(&code.to_string()) || shown.contains(err.message()));
    let wrapped = Error::from(err);
    assert_eq!(wrapped.status(), Some(status));
    assert!(wrapped.as_api().is_some());
    let _ = wrapped.to_string();
}
