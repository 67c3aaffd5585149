//! OpenAI-shaped error bodies: `{"error": {"message", "type", "param", "code"}}`, with the
//! message, type and code the real API sends for each status.

use serde_json::{Value, json};

/// The parts of an error body; `None` fields are chosen from the status.
#[derive(Debug, Clone, Default)]
pub(crate) struct ErrorParts {
    pub(crate) message: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) param: Option<String>,
    pub(crate) code: Option<String>,
}

/// Builds the error body for `status`, filling the unset parts with what the API sends.
pub(crate) fn error_body(status: u16, parts: &ErrorParts) -> Value {
    let (message, kind, code) = defaults(status);
    body(
        parts.message.as_deref().unwrap_or(message),
        parts.kind.as_deref().unwrap_or(kind),
        parts.param.as_deref(),
        parts.code.as_deref().or(code),
    )
}

/// An error body with exactly these fields.
pub(crate) fn body(message: &str, kind: &str, param: Option<&str>, code: Option<&str>) -> Value {
    json!({
        "error": {
            "message": message,
            "type": kind,
            "param": param,
            "code": code
        }
    })
}

/// `(message, type, code)` the API sends with `status`.
fn defaults(status: u16) -> (&'static str, &'static str, Option<&'static str>) {
    match status {
        400 => (
            "Invalid request (openai-mock).",
            "invalid_request_error",
            None,
        ),
        401 => (
            "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            Some("invalid_api_key"),
        ),
        403 => (
            "You are not allowed to perform this request.",
            "invalid_request_error",
            None,
        ),
        404 => (
            "The requested resource was not found.",
            "invalid_request_error",
            None,
        ),
        409 => (
            "The request conflicts with the current state of the resource.",
            "invalid_request_error",
            None,
        ),
        413 => (
            "The request body is too large.",
            "invalid_request_error",
            None,
        ),
        422 => (
            "The request could not be processed.",
            "invalid_request_error",
            None,
        ),
        429 => (
            "Rate limit reached for requests (openai-mock). Please try again later.",
            "requests",
            Some("rate_limit_exceeded"),
        ),
        503 => (
            "The engine is currently overloaded, please try again later.",
            "server_error",
            None,
        ),
        500..=599 => (
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            None,
        ),
        _ => (
            "An error occurred (openai-mock).",
            "invalid_request_error",
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_status_and_overrides_win() {
        let rate = error_body(429, &ErrorParts::default());
        assert_eq!(rate["error"]["code"], "rate_limit_exceeded");
        assert_eq!(rate["error"]["type"], "requests");
        assert!(rate["error"]["param"].is_null());
        let quota = error_body(
            429,
            &ErrorParts {
                code: Some("insufficient_quota".into()),
                kind: Some("insufficient_quota".into()),
                ..ErrorParts::default()
            },
        );
        assert_eq!(quota["error"]["code"], "insufficient_quota");
        assert_eq!(
            error_body(502, &ErrorParts::default())["error"]["type"],
            "server_error"
        );
    }
}
