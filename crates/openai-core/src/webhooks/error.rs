//! [`WebhookError`]: why a webhook was not accepted.

use std::error::Error as StdError;
use std::fmt;

use http::HeaderName;

/// Why a webhook request was not verified or not parsed.
///
/// This is its own type, not a variant of [`crate::Error`], for three
/// reasons. Python's `InvalidWebhookSignatureError` is a `ValueError`, not an
/// `OpenAIError`; nothing here talks to the API, so none of `Error`'s "did the
/// request reach the server" answers applies; and `webhooks` is a feature, so
/// a variant of `Error` behind it would change that enum's variants with the
/// feature (features only add items here). Convert it into your web
/// framework's rejection (usually 400) instead.
///
/// Messages never hold the secret, the payload or a signature.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// No secret: none was passed, and the client has none (set it with
    /// [`ClientBuilder::webhook_secret`](crate::ClientBuilder::webhook_secret)
    /// or `OPENAI_WEBHOOK_SECRET`). A setup mistake, not the sender's.
    MissingSecret,
    /// A required header is missing: one of
    /// [`WEBHOOK_SIGNATURE`](super::WEBHOOK_SIGNATURE),
    /// [`WEBHOOK_TIMESTAMP`](super::WEBHOOK_TIMESTAMP),
    /// [`WEBHOOK_ID`](super::WEBHOOK_ID), checked in that order.
    MissingHeader(HeaderName),
    /// `webhook-timestamp` is not an integer number of Unix seconds.
    InvalidTimestamp,
    /// `webhook-timestamp` is more than the tolerance in the past (a replay,
    /// or a delivery that waited too long).
    TimestampTooOld,
    /// `webhook-timestamp` is more than the tolerance in the future.
    TimestampTooNew,
    /// No signature in `webhook-signature` matches the payload: a forged or
    /// altered request, a body that was re-encoded before verifying, or the
    /// wrong secret.
    InvalidSignature,
    /// The secret starts with `whsec_` but the rest is not valid base64
    /// (canonical, padded, standard alphabet). A setup mistake, not the
    /// sender's; distinct from [`InvalidSignature`](Self::InvalidSignature).
    /// Stricter than Python, whose decoder skips characters outside the
    /// alphabet: a secret pasted with a stray newline fails here.
    InvalidSecret,
    /// The payload is not UTF-8 (verifying), or not JSON (parsing an event
    /// after a valid signature).
    InvalidPayload(PayloadError),
}

/// Why a payload could not be read; the decoder's error is behind `source()`.
#[derive(Debug)]
pub struct PayloadError(PayloadKind);

#[derive(Debug)]
enum PayloadKind {
    Utf8(std::str::Utf8Error),
    Json(serde_json::Error),
}

// ===== impl WebhookError =====

impl WebhookError {
    /// Whether Python raises `InvalidWebhookSignatureError` here: a bad
    /// timestamp (format or age) or a signature that does not match. These
    /// are the sender's fault; the others are a missing header, a setup
    /// mistake, or a bad payload.
    pub fn is_invalid_signature(&self) -> bool {
        matches!(
            self,
            Self::InvalidTimestamp
                | Self::TimestampTooOld
                | Self::TimestampTooNew
                | Self::InvalidSignature
        )
    }
}

impl fmt::Display for WebhookError {
    // reference/helpers.md (c): the Python messages, lowercased.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSecret => f.write_str(
                "the webhook secret must either be set using the env var, OPENAI_WEBHOOK_SECRET, \
                 on the client, Client::builder().webhook_secret(..), or passed to this function",
            ),
            Self::MissingHeader(name) => write!(f, "could not find {name} header"),
            Self::InvalidTimestamp => f.write_str("invalid webhook timestamp format"),
            Self::TimestampTooOld => f.write_str("webhook timestamp is too old"),
            Self::TimestampTooNew => f.write_str("webhook timestamp is too new"),
            Self::InvalidSignature => {
                f.write_str("the given webhook signature does not match the expected signature")
            }
            Self::InvalidSecret => {
                f.write_str("the webhook secret is not valid base64 after its whsec_ prefix")
            }
            Self::InvalidPayload(e) => write!(f, "invalid webhook payload: {e}"),
        }
    }
}

impl StdError for WebhookError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::InvalidPayload(e) => Some(e),
            _ => None,
        }
    }
}

// ===== impl PayloadError =====

impl PayloadError {
    pub(super) fn utf8(e: std::str::Utf8Error) -> Self {
        Self(PayloadKind::Utf8(e))
    }

    pub(super) fn json(e: serde_json::Error) -> Self {
        Self(PayloadKind::Json(e))
    }

    /// Whether the payload is not valid UTF-8.
    pub fn is_utf8(&self) -> bool {
        matches!(self.0, PayloadKind::Utf8(_))
    }

    /// Whether the payload is not valid JSON.
    pub fn is_json(&self) -> bool {
        matches!(self.0, PayloadKind::Json(_))
    }
}

impl fmt::Display for PayloadError {
    // The sources' messages give positions only, never content; they stay
    // behind `source()` all the same.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            PayloadKind::Utf8(_) => f.write_str("not valid UTF-8"),
            PayloadKind::Json(_) => f.write_str("not valid JSON"),
        }
    }
}

impl StdError for PayloadError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.0 {
            PayloadKind::Utf8(e) => Some(e),
            PayloadKind::Json(e) => Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Also covers tests-to-match.md cases 17.2, 17.3.
    #[test]
    fn case_17_4_messages_follow_the_reference() {
        assert!(
            WebhookError::MissingSecret
                .to_string()
                .starts_with("the webhook secret must either be set")
        );
        assert_eq!(
            WebhookError::MissingHeader(super::super::WEBHOOK_ID).to_string(),
            "could not find webhook-id header"
        );
        assert_eq!(
            WebhookError::InvalidSignature.to_string(),
            "the given webhook signature does not match the expected signature"
        );
        let raw = vec![b'a', 0xff];
        let bad = std::str::from_utf8(&raw).unwrap_err();
        let e = WebhookError::InvalidPayload(PayloadError::utf8(bad));
        assert_eq!(e.to_string(), "invalid webhook payload: not valid UTF-8");
        assert!(e.source().is_some());
    }

    #[test]
    fn signature_class_matches_python() {
        assert!(WebhookError::InvalidTimestamp.is_invalid_signature());
        assert!(WebhookError::TimestampTooOld.is_invalid_signature());
        assert!(WebhookError::TimestampTooNew.is_invalid_signature());
        assert!(WebhookError::InvalidSignature.is_invalid_signature());
        assert!(!WebhookError::MissingSecret.is_invalid_signature());
        assert!(!WebhookError::InvalidSecret.is_invalid_signature());
        assert!(!WebhookError::MissingHeader(super::super::WEBHOOK_ID).is_invalid_signature());
    }

    #[test]
    fn error_is_send_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<WebhookError>();
    }
}
