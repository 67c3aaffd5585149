//! [`ApiError`]: an error status, or an `error` event in a stream.

use std::error::Error as StdError;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use openai_transport::headers::X_REQUEST_ID;
use serde_json::Value;

/// The class of an API error, by status (`reference/client.md` 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400.
    BadRequest,
    /// 401.
    Authentication,
    /// 403.
    PermissionDenied,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 422.
    UnprocessableEntity,
    /// 429.
    RateLimit,
    /// 500 and above.
    InternalServer,
    /// Any other status (408, 3xx, 418, ...) and errors sent inside a stream.
    Other,
}

impl ApiErrorKind {
    /// The kind of `status`.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::UnprocessableEntity,
            429 => Self::RateLimit,
            s if s >= 500 => Self::InternalServer,
            _ => Self::Other,
        }
    }
}

/// The server answered with an error.
///
/// Built per `reference/client.md` 5.3: an empty, HTML or truncated body
/// still gives an `ApiError` with the status; when the body is JSON with an
/// `error` object, its `message`, `type`, `code` and `param` are read from it.
/// The raw body and the headers stay reachable.
pub struct ApiError(Box<Inner>);

struct Inner {
    status: StatusCode,
    kind: ApiErrorKind,
    message: String,
    error_type: Option<String>,
    code: Option<String>,
    param: Option<String>,
    request_id: Option<String>,
    headers: HeaderMap,
    raw: Bytes,
    body: Option<Value>,
    in_stream: bool,
}

impl ApiError {
    /// Builds the error of an error response.
    pub fn from_response(status: StatusCode, headers: HeaderMap, raw: Bytes) -> Self {
        let text = String::from_utf8_lossy(&raw);
        let trimmed = text.trim();
        let (message, body) = match serde_json::from_str::<Value>(trimmed) {
            Ok(json) => {
                // The `error` object when there is one, else the whole body.
                let body = match json {
                    Value::Object(mut map) if map.contains_key("error") => {
                        map.remove("error").unwrap_or(Value::Null)
                    }
                    other => other,
                };
                let message = body
                    .get("message")
                    .and_then(Value::as_str)
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("Error code: {}", status.as_u16()));
                (message, Some(body))
            }
            Err(_) if trimmed.is_empty() => (format!("Error code: {}", status.as_u16()), None),
            Err(_) => (trimmed.to_owned(), Some(Value::String(trimmed.to_owned()))),
        };
        let request_id = headers
            .get(X_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Self::build(
            status,
            ApiErrorKind::from_status(status),
            message,
            body,
            request_id,
            headers,
            raw,
            false,
        )
    }

    /// Builds the error of an `error` payload inside a stream
    /// (`reference/client.md` 5.3, last paragraph).
    pub(crate) fn from_stream(error: Value, request_id: Option<String>, raw: Bytes) -> Self {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty())
            .unwrap_or("An error occurred during streaming")
            .to_owned();
        Self::build(
            StatusCode::OK,
            ApiErrorKind::Other,
            message,
            Some(error),
            request_id,
            HeaderMap::new(),
            raw,
            true,
        )
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "a private constructor shared by two public ones"
    )]
    fn build(
        status: StatusCode,
        kind: ApiErrorKind,
        message: String,
        body: Option<Value>,
        request_id: Option<String>,
        headers: HeaderMap,
        raw: Bytes,
        in_stream: bool,
    ) -> Self {
        let field = |name: &str| {
            body.as_ref()
                .filter(|b| b.is_object())
                .and_then(|b| b.get(name))
                .and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                })
        };
        Self(Box::new(Inner {
            status,
            kind,
            error_type: field("type"),
            code: field("code"),
            param: field("param"),
            message,
            request_id,
            headers,
            raw,
            body,
            in_stream,
        }))
    }

    /// The HTTP status (200 for an error sent inside a stream).
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The class of the error.
    pub fn kind(&self) -> ApiErrorKind {
        self.0.kind
    }

    /// The server's message, or the body's text, or `Error code: <status>`.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The error's `type`, e.g. `invalid_request_error`.
    pub fn error_type(&self) -> Option<&str> {
        self.0.error_type.as_deref()
    }

    /// The error's `code`, e.g. `model_not_found` (numbers as text).
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The parameter at fault.
    pub fn param(&self) -> Option<&str> {
        self.0.param.as_deref()
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// The raw response body.
    pub fn raw_body(&self) -> &Bytes {
        &self.0.raw
    }

    /// The decoded body: the `error` object when the JSON has one, else the
    /// whole JSON, or the text as a JSON string; `None` for an empty body.
    pub fn body(&self) -> Option<&Value> {
        self.0.body.as_ref()
    }

    /// Whether the error came inside a stream rather than as a status.
    pub fn is_stream_error(&self) -> bool {
        self.0.in_stream
    }

    /// 429.
    pub fn is_rate_limit(&self) -> bool {
        self.kind() == ApiErrorKind::RateLimit
    }

    /// 401.
    pub fn is_authentication(&self) -> bool {
        self.kind() == ApiErrorKind::Authentication
    }

    /// 404.
    pub fn is_not_found(&self) -> bool {
        self.kind() == ApiErrorKind::NotFound
    }

    /// 5xx.
    pub fn is_server_error(&self) -> bool {
        self.kind() == ApiErrorKind::InternalServer
    }
}

impl fmt::Debug for ApiError {
    // Headers and the raw body stay out of Debug: they may be large, and
    // headers may carry values nobody should log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.0.status.as_u16())
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("type", &self.0.error_type)
            .field("code", &self.0.code)
            .field("param", &self.0.param)
            .field("request_id", &self.0.request_id)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.in_stream {
            f.write_str("error in stream")?;
        } else {
            write!(f, "status {}", self.0.status.as_u16())?;
        }
        if let Some(t) = &self.0.error_type {
            write!(f, " {t}")?;
        }
        if let Some(c) = &self.0.code {
            write!(f, " ({c})")?;
        }
        // Bounded: a long message (an HTML page) is cut.
        let msg = &self.0.message;
        match msg.char_indices().nth(200) {
            Some((cut, _)) => write!(f, ": {}…", &msg[..cut]),
            None => write!(f, ": {msg}"),
        }
    }
}

impl StdError for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn err(status: u16, body: &str, request_id: Option<&str>) -> ApiError {
        let mut h = HeaderMap::new();
        if let Some(id) = request_id {
            h.insert("x-request-id", HeaderValue::from_str(id).unwrap());
        }
        ApiError::from_response(
            StatusCode::from_u16(status).unwrap(),
            h,
            Bytes::copy_from_slice(body.as_bytes()),
        )
    }

    #[test]
    fn kinds_follow_the_status_table() {
        for (s, k) in [
            (400, ApiErrorKind::BadRequest),
            (401, ApiErrorKind::Authentication),
            (403, ApiErrorKind::PermissionDenied),
            (404, ApiErrorKind::NotFound),
            (408, ApiErrorKind::Other),
            (409, ApiErrorKind::Conflict),
            (418, ApiErrorKind::Other),
            (422, ApiErrorKind::UnprocessableEntity),
            (429, ApiErrorKind::RateLimit),
            (500, ApiErrorKind::InternalServer),
            (503, ApiErrorKind::InternalServer),
            (302, ApiErrorKind::Other),
        ] {
            assert_eq!(err(s, "", None).kind(), k, "{s}");
        }
    }

    #[test]
    fn case_10_3_openai_error_body() {
        let e = err(
            400,
            r#"{"error": {"message": "Bad thing", "type": "invalid_request_error", "param": "model", "code": "bad_model"}}"#,
            Some("req_123"),
        );
        assert_eq!(e.message(), "Bad thing");
        assert_eq!(e.code(), Some("bad_model"));
        assert_eq!(e.param(), Some("model"));
        assert_eq!(e.error_type(), Some("invalid_request_error"));
        assert_eq!(e.request_id(), Some("req_123"));
        assert_eq!(e.body().unwrap()["message"], "Bad thing");
        assert_eq!(
            e.to_string(),
            "status 400 invalid_request_error (bad_model): Bad thing"
        );
    }

    #[test]
    fn case_10_3_text_empty_and_odd_bodies() {
        let teapot = err(418, "  teapot here \n", None);
        assert_eq!(teapot.message(), "teapot here");
        assert_eq!(teapot.body(), Some(&Value::String("teapot here".into())));
        let empty = err(404, "", None);
        assert_eq!(empty.message(), "Error code: 404");
        assert!(empty.body().is_none());
        let no_error_key = err(500, r#"{"message": "x", "code": 5}"#, None);
        assert_eq!(no_error_key.code(), Some("5"));
        assert_eq!(no_error_key.body().unwrap()["message"], "x");
        let truncated = err(502, r#"{"error": {"mess"#, None);
        assert_eq!(truncated.status(), 502);
        assert_eq!(truncated.message(), r#"{"error": {"mess"#);
        let html = err(503, &format!("<html>{}</html>", "x".repeat(5000)), None);
        assert!(html.to_string().len() < 300);
    }

    #[test]
    fn case_10_2_inner_error_body_is_exposed() {
        let e = err(500, r#"{"error": {"message": "boom"}}"#, None);
        assert_eq!(e.body(), Some(&serde_json::json!({"message": "boom"})));
    }
}
