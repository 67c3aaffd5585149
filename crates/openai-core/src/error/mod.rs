//! `openai::Error`: what can go wrong, by situation.
//!
//! Each variant says whether the request may have reached the server. The
//! payloads are opaque structs with query methods, so their insides can grow
//! without breaking callers; foreign error types stay behind `source()`.

mod api;

use std::error::Error as StdError;
use std::fmt;

use openai_transport::BoxError;
use openai_transport::auth::{MissingCredential, ProviderFailed};
use openai_transport::connect::ConnectTimeout;
use openai_transport::decompress::{InvalidEncoding, UnsupportedEncoding};
use openai_transport::error::{BodyTooLarge, Permanent, find_source};
use openai_transport::timeout::Elapsed;

pub use crate::helpers::{FinishReasonError, FinishReasonKind};
pub use api::{ApiError, ApiErrorKind};

/// A `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error of the SDK.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// No response arrived: the server could not be reached, or the connection
    /// broke. The request may or may not have reached the server.
    Connection(ConnectionError),
    /// A deadline passed (the connect timeout, the per-attempt timeout, or a
    /// stream's idle timeout). The server may have processed the request.
    Timeout,
    /// The server answered with an error status, or sent an `error` event in
    /// a stream. The request reached the server.
    Api(ApiError),
    /// The call was rejected before anything was sent: a bad parameter, a
    /// header that cannot be sent, a missing credential for this endpoint.
    InvalidRequest(InvalidRequestError),
    /// The client could not be built: a missing API key, a bad base URL, a bad
    /// proxy. Nothing was sent.
    Config(ConfigError),
    /// A 2xx response whose body is not what the endpoint promises (not JSON,
    /// or JSON of the wrong shape). The request reached the server.
    Decode(DecodeError),
    /// A stream broke the protocol: its bytes are not valid SSE (not UTF-8),
    /// or a stream helper's events ended before their final event or came
    /// out of order. The request reached the server.
    Stream(StreamError),
    /// Pagination cannot go on: [`get_next_page`](crate::pagination::CursorPage::get_next_page)
    /// was called on the last page, or the server returned the cursor it was
    /// sent (a loop). Nothing was sent for the page that failed.
    Pagination(PaginationError),
    /// A polling helper gave up: [`files().wait_for_processing`](crate::resources::files::Files::wait_for_processing)
    /// waited its longest.
    Polling(PollingError),
    /// The client could not get its credential: an API key or token
    /// provider failed or gave an empty value, or a workload identity could
    /// not get its access token (the subject token provider failed, or the
    /// token exchange was refused). Nothing was sent to the API, and the call
    /// was not retried.
    Credential(CredentialError),
    /// A stream helper met a choice that the model stopped early: its
    /// `finish_reason` is `length` or `content_filter`
    /// (reference/helpers.md b.5). The request reached the server.
    FinishReason(FinishReasonError),
}

impl Error {
    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout)
    }

    /// Whether this is a connection error.
    pub fn is_connection(&self) -> bool {
        matches!(self, Self::Connection(_))
    }

    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, for API errors.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.as_api().map(ApiError::status)
    }

    /// Maps an error from the HTTP stack.
    pub(crate) fn from_transport(err: BoxError) -> Self {
        if find_source::<Elapsed>(&*err).is_some() || find_source::<ConnectTimeout>(&*err).is_some()
        {
            return Self::Timeout;
        }
        if find_source::<ProviderFailed>(&*err).is_some() {
            let err = match err.downcast::<Permanent>() {
                Ok(p) => p.into_inner(),
                Err(e) => e,
            };
            let cause = match err.downcast::<ProviderFailed>() {
                Ok(failed) => failed.into_inner(),
                Err(e) => e,
            };
            return match cause.downcast::<Error>() {
                // A workload identity's exchange fails with its own typed error.
                Ok(e) => *e,
                Err(e) => Self::Credential(CredentialError(e)),
            };
        }
        if let Some(missing) = find_source::<MissingCredential>(&*err) {
            return Self::InvalidRequest(InvalidRequestError::new(missing.to_string()));
        }
        if let Some(too_large) = find_source::<BodyTooLarge>(&*err) {
            return Self::Decode(DecodeError::new(too_large.to_string(), None));
        }
        if let Some(bad) = find_source::<InvalidEncoding>(&*err) {
            return Self::Decode(DecodeError::new(bad.to_string(), None));
        }
        if let Some(unsupported) = find_source::<UnsupportedEncoding>(&*err) {
            return Self::Decode(DecodeError::new(unsupported.to_string(), None));
        }
        // A user layer or credential provider may fail with one of ours.
        let err = match err.downcast::<Permanent>() {
            Ok(p) => p.into_inner(),
            Err(e) => e,
        };
        match err.downcast::<Error>() {
            Ok(e) => *e,
            Err(e) => Self::Connection(ConnectionError(e)),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connection(e) => write!(f, "connection error: {e}"),
            Self::Timeout => f.write_str("request timed out"),
            Self::Api(e) => fmt::Display::fmt(e, f),
            Self::InvalidRequest(e) => write!(f, "invalid request: {e}"),
            Self::Config(e) => write!(f, "invalid client configuration: {e}"),
            Self::Decode(e) => write!(f, "could not decode the response: {e}"),
            Self::Stream(e) => write!(f, "stream error: {e}"),
            Self::Pagination(e) => write!(f, "pagination error: {e}"),
            Self::Polling(e) => write!(f, "polling error: {e}"),
            Self::FinishReason(e) => fmt::Display::fmt(e, f),
            Self::Credential(e) => write!(f, "could not get a credential: {e}"),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Connection(e) => Some(e),
            Self::Api(e) => Some(e),
            Self::InvalidRequest(e) => Some(e),
            Self::Config(e) => Some(e),
            Self::Decode(e) => Some(e),
            Self::Stream(e) => Some(e),
            Self::Pagination(e) => Some(e),
            Self::Polling(e) => Some(e),
            Self::FinishReason(e) => Some(e),
            Self::Credential(e) => Some(e),
            Self::Timeout => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

/// A credential provider failed: see [`Error::Credential`]. The provider's
/// error is the `source()`; its message is the provider's, which never holds
/// the key.
#[derive(Debug)]
pub struct CredentialError(BoxError);

impl CredentialError {
    /// A credential error caused by `err`.
    pub fn new(err: impl Into<BoxError>) -> Self {
        Self(err.into())
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for CredentialError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.0)
    }
}

/// The connection failed; the cause is behind `source()`.
#[derive(Debug)]
pub struct ConnectionError(BoxError);

impl ConnectionError {
    /// A connection error caused by `err`.
    pub fn new(err: impl Into<BoxError>) -> Self {
        Self(err.into())
    }
}

impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The innermost cause says what happened ("connection refused").
        let mut cur: &(dyn StdError + 'static) = &*self.0;
        while let Some(next) = cur.source() {
            cur = next;
        }
        write!(f, "{cur}")
    }
}

impl StdError for ConnectionError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.0)
    }
}

macro_rules! message_error {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            #[cfg_attr(
                not(feature = "full"),
                allow(dead_code, reason = "some errors serve groups that are off")
            )]
            pub(crate) fn new(message: impl Into<String>) -> Self {
                Self(message.into())
            }

            /// What went wrong.
            pub fn message(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl StdError for $name {}
    };
}

message_error! {
    /// A call rejected before sending.
    InvalidRequestError
}

message_error! {
    /// A client that cannot be built.
    ConfigError
}

impl ConfigError {
    /// A configuration error with `message`, for clients built over this one
    /// (the module-level client, wrappers). Never put a secret in it.
    pub fn with_message(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

message_error! {
    /// Pagination that cannot go on.
    PaginationError
}

message_error! {
    /// A polling helper that gave up.
    PollingError
}

/// A 2xx body that does not decode.
#[derive(Debug)]
pub struct DecodeError(Box<DecodeInner>);

#[derive(Debug)]
struct DecodeInner {
    message: String,
    source: Option<serde_json::Error>,
    request_id: Option<String>,
}

impl DecodeError {
    pub(crate) fn new(message: impl Into<String>, source: Option<serde_json::Error>) -> Self {
        Self(Box::new(DecodeInner {
            message: message.into(),
            source,
            request_id: None,
        }))
    }

    pub(crate) fn with_request_id(mut self, id: Option<&str>) -> Self {
        self.0.request_id = id.map(str::to_owned);
        self
    }

    /// The server's request id, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source.as_ref().map(|e| e as _)
    }
}

/// A stream that broke the SSE protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    kind: StreamErrorKind,
}

/// What was wrong with a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamErrorKind {
    /// A line was not valid UTF-8.
    InvalidUtf8,
    /// The stream ended before the event a helper needs: a chat stream
    /// without any chunk, a Responses stream without `response.completed`.
    EndedEarly,
    /// A Responses stream did not start with `response.created`.
    OutOfOrder,
    /// An Assistants stream sent a delta for a message or run step it had
    /// not created.
    UnknownSnapshot,
}

impl StreamError {
    pub(crate) fn new(kind: StreamErrorKind) -> Self {
        Self { kind }
    }

    /// What was wrong.
    pub fn kind(&self) -> StreamErrorKind {
        self.kind
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            StreamErrorKind::InvalidUtf8 => f.write_str("the stream is not valid UTF-8"),
            StreamErrorKind::EndedEarly => f.write_str("the stream ended before its final event"),
            StreamErrorKind::OutOfOrder => {
                f.write_str("the stream did not start with `response.created`")
            }
            StreamErrorKind::UnknownSnapshot => {
                f.write_str("a delta arrived for a message or run step the stream had not created")
            }
        }
    }
}

impl StdError for StreamError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_stays_small() {
        assert!(
            std::mem::size_of::<Result<()>>() <= 32,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn transport_errors_map_to_kinds() {
        assert!(Error::from_transport(Elapsed::new().into()).is_timeout());
        assert!(Error::from_transport("boom".into()).is_connection());
        let permanent: BoxError =
            Permanent::new(Error::InvalidRequest(InvalidRequestError::new("x"))).into();
        assert!(matches!(
            Error::from_transport(permanent),
            Error::InvalidRequest(_)
        ));
    }
}
