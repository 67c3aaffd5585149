//! `client.webhooks()`: check that a webhook request came from OpenAI, then
//! read its event. Feature `webhooks`.
//!
//! OpenAI signs deliveries the "Standard Webhooks" way. Three headers come
//! with each: [`WEBHOOK_ID`], [`WEBHOOK_TIMESTAMP`] (Unix seconds) and
//! [`WEBHOOK_SIGNATURE`] (one or more `v1,<base64>`, space-separated). Each
//! signature is the base64 of HMAC-SHA256 over `<id>.<timestamp>.<body>`,
//! keyed with the endpoint's secret: for a `whsec_...` secret, the base64
//! decoding of the rest. A signature is accepted when any one matches and the
//! timestamp is within the tolerance (default 5 minutes) of now.
//!
//! Verify the body exactly as received: a body parsed and serialized again
//! will not match. Nothing here does I/O.
//!
//! - [`Webhooks`], from [`Client::webhooks`], takes the secret from the call
//!   or from the client ([`ClientBuilder::webhook_secret`](crate::ClientBuilder::webhook_secret),
//!   `OPENAI_WEBHOOK_SECRET`), like the Python SDK.
//! - [`WebhookVerifier`] needs no client; its clock can be replaced.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//!
//! use http::HeaderMap;
//! use openai_core::webhooks::{WebhookEvent, WebhookVerifier};
//! use openai_transport::time::FixedClock;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // What the web framework received.
//! let body = r#"{"id":"evt_1","object":"event","created_at":1700000000,"type":"batch.completed","data":{"id":"batch_1"}}"#;
//! let mut headers = HeaderMap::new();
//! headers.insert("webhook-id", "wh_1".parse()?);
//! headers.insert("webhook-timestamp", "1700000000".parse()?);
//! headers.insert("webhook-signature", "v1,U0GmvTv2g6A7Cv65KvlQ+EqJD6zvUTKrqwnlrqjyhyk=".parse()?);
//!
//! // A fixed clock so the example stays valid; leave it out in a server.
//! let verifier = WebhookVerifier::new("whsec_YW4gZXhhbXBsZSBrZXksIDMyIGJ5dGVzIGxvbmchISE=")
//!     .time_source(FixedClock(UNIX_EPOCH + Duration::from_secs(1_700_000_060)));
//!
//! // Only check the signature...
//! verifier.verify_signature(body, &headers)?;
//! // ...or check it and parse the event.
//! match verifier.unwrap(body, &headers)? {
//!     WebhookEvent::BatchCompleted(event) => assert_eq!(event.data.id, "batch_1"),
//!     other => println!("unhandled {:?}", other.event_type()),
//! }
//!
//! // A changed body fails.
//! let forged = body.replace("batch_1", "batch_2");
//! assert!(verifier.unwrap(forged, &headers).unwrap_err().is_invalid_signature());
//! # Ok(()) }
//! ```

mod base64;
mod error;
mod event;
mod signature;

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, HeaderName};
use openai_transport::time::{SharedTimeSource, SystemClock, TimeSource};
use serde_json::Value;

use crate::Client;

pub use error::{PayloadError, WebhookError};
pub use event::WebhookEvent;

/// `webhook-id`: the delivery's id, the first part of the signed content.
pub const WEBHOOK_ID: HeaderName = HeaderName::from_static("webhook-id");

/// `webhook-timestamp`: when the delivery was signed, in Unix seconds.
pub const WEBHOOK_TIMESTAMP: HeaderName = HeaderName::from_static("webhook-timestamp");

/// `webhook-signature`: space-separated signatures, each `v1,<base64>`.
pub const WEBHOOK_SIGNATURE: HeaderName = HeaderName::from_static("webhook-signature");

/// How far the timestamp may be from now, either way: 300 s, as in Python.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// `client.webhooks()`: verify and parse webhook requests with the client's
/// secret.
///
/// The clock is the system's; for another one, use [`WebhookVerifier`].
///
/// ```
/// use http::HeaderMap;
/// use openai_core::Client;
/// use openai_core::webhooks::{WebhookError, WebhookEvent};
///
/// // In a request handler: `body` and `headers` exactly as received.
/// fn handle(client: &Client, body: &[u8], headers: &HeaderMap) -> Result<(), WebhookError> {
///     match client.webhooks().unwrap(body, headers, None)? {
///         WebhookEvent::ResponseCompleted(event) => println!("done: {}", event.data.id),
///         other => println!("ignored {:?}", other.event_type()),
///     }
///     Ok(())
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder().api_key("sk-...").webhook_secret("whsec_...").build()?;
/// let err = handle(&client, b"{}", &HeaderMap::new()).unwrap_err();
/// assert!(matches!(err, WebhookError::MissingHeader(_)));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Webhooks<'a> {
    client: &'a Client,
}

/// Verifies and parses webhook requests without a [`Client`]: a secret, a
/// tolerance and a clock.
///
/// `Debug` never shows the secret. `Clone + Send + Sync`: build one at
/// start-up and share it.
#[derive(Clone)]
pub struct WebhookVerifier {
    secret: String,
    tolerance: Duration,
    clock: SharedTimeSource,
}

// ===== impl Webhooks =====

impl<'a> Webhooks<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Checks that `payload` and `headers` were signed by OpenAI, and that
    /// the timestamp is within `tolerance` of now (default
    /// [`DEFAULT_TOLERANCE`]; whole seconds count, both bounds inclusive).
    ///
    /// `secret` overrides the client's (an empty one is used as is).
    ///
    /// # Errors
    ///
    /// In the order they are checked: [`WebhookError::MissingSecret`],
    /// [`MissingHeader`](WebhookError::MissingHeader),
    /// [`InvalidTimestamp`](WebhookError::InvalidTimestamp),
    /// [`TimestampTooOld`](WebhookError::TimestampTooOld),
    /// [`TimestampTooNew`](WebhookError::TimestampTooNew),
    /// [`InvalidSecret`](WebhookError::InvalidSecret),
    /// [`InvalidPayload`](WebhookError::InvalidPayload) (not UTF-8),
    /// [`InvalidSignature`](WebhookError::InvalidSignature).
    pub fn verify_signature(
        &self,
        payload: impl AsRef<[u8]>,
        headers: &HeaderMap,
        secret: Option<&str>,
        tolerance: Option<Duration>,
    ) -> Result<(), WebhookError> {
        let secret = self.secret(secret)?;
        let tolerance = tolerance.unwrap_or(DEFAULT_TOLERANCE);
        signature::verify(payload.as_ref(), headers, secret, tolerance, now()).map(drop)
    }

    /// [`verify_signature`](Self::verify_signature) with the default
    /// tolerance, then the payload's event.
    ///
    /// # Errors
    ///
    /// Those of `verify_signature`, then
    /// [`InvalidPayload`](WebhookError::InvalidPayload) when the payload is
    /// not JSON. A payload of an unknown or unexpected shape is not an error:
    /// see [`WebhookEvent::Unknown`].
    pub fn unwrap(
        &self,
        payload: impl AsRef<[u8]>,
        headers: &HeaderMap,
        secret: Option<&str>,
    ) -> Result<WebhookEvent, WebhookError> {
        let secret = self.secret(secret)?;
        let body = signature::verify(payload.as_ref(), headers, secret, DEFAULT_TOLERANCE, now())?;
        parse_event(body)
    }

    /// reference/helpers.md (c): the argument if given, else the client's.
    fn secret<'s>(&'s self, explicit: Option<&'s str>) -> Result<&'s str, WebhookError> {
        explicit
            .or_else(|| self.client.webhook_secret())
            .ok_or(WebhookError::MissingSecret)
    }
}

// ===== impl WebhookVerifier =====

impl WebhookVerifier {
    /// A verifier for `secret` (`whsec_...`, or any other text, whose UTF-8
    /// bytes are then the key), with the [`DEFAULT_TOLERANCE`] and the
    /// system clock.
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: secret.into(),
            tolerance: DEFAULT_TOLERANCE,
            clock: SharedTimeSource::new(SystemClock),
        }
    }

    /// How far the timestamp may be from now, either way. Whole seconds
    /// count; both bounds are inclusive. Default 300 s.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The clock to compare timestamps with (tests; see
    /// [`FixedClock`](openai_transport::time::FixedClock)). Default: the
    /// system clock.
    pub fn time_source(mut self, source: impl TimeSource) -> Self {
        self.clock = SharedTimeSource::new(source);
        self
    }

    /// As [`Webhooks::verify_signature`], with this verifier's secret,
    /// tolerance and clock.
    ///
    /// # Errors
    ///
    /// As [`Webhooks::verify_signature`], never
    /// [`MissingSecret`](WebhookError::MissingSecret).
    pub fn verify_signature(
        &self,
        payload: impl AsRef<[u8]>,
        headers: &HeaderMap,
    ) -> Result<(), WebhookError> {
        self.verify(payload.as_ref(), headers).map(drop)
    }

    /// As [`Webhooks::unwrap`], with this verifier's secret, tolerance and
    /// clock.
    ///
    /// # Errors
    ///
    /// As [`Webhooks::unwrap`], never
    /// [`MissingSecret`](WebhookError::MissingSecret).
    pub fn unwrap(
        &self,
        payload: impl AsRef<[u8]>,
        headers: &HeaderMap,
    ) -> Result<WebhookEvent, WebhookError> {
        parse_event(self.verify(payload.as_ref(), headers)?)
    }

    fn verify<'p>(&self, payload: &'p [u8], headers: &HeaderMap) -> Result<&'p str, WebhookError> {
        signature::verify(
            payload,
            headers,
            &self.secret,
            self.tolerance,
            self.clock.now(),
        )
    }
}

impl fmt::Debug for WebhookVerifier {
    // The secret signs deliveries: never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secret", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

// ===== helpers =====

/// The system clock's now, read through the transport's one wall-clock read.
fn now() -> std::time::SystemTime {
    SystemClock.now()
}

/// A verified body's event.
fn parse_event(body: &str) -> Result<WebhookEvent, WebhookError> {
    serde_json::from_str::<Value>(body)
        .map(WebhookEvent::from_value)
        .map_err(|e| WebhookError::InvalidPayload(PayloadError::json(e)))
}

#[cfg(test)]
mod tests;
