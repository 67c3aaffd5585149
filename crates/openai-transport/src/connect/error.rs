//! Errors of the connector.
//!
//! A failed request comes back from [`HttpClient`](super::HttpClient) as a
//! [`BoxError`] whose `source()` chain holds hyper-util's error and, below it,
//! the connector's reason. Two of those reasons are public types so the client
//! boundary can find them by walking the chain: [`ConnectTimeout`] (report a
//! timeout, not a connection error) and, from
//! [`HttpClientBuilder::build`](super::HttpClientBuilder::build), [`ConfigError`].

use std::error::Error as StdError;
use std::fmt;

use crate::BoxError;

/// Connecting took longer than the connect timeout.
///
/// The connect phase covers DNS, TCP, the proxy handshake and the TLS
/// handshake. The request was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectTimeout(());

/// The configuration given to [`HttpClientBuilder`](super::HttpClientBuilder)
/// could not be used.
///
/// Its message never repeats a proxy URL, which may hold credentials.
#[derive(Debug)]
pub struct ConfigError {
    kind: ConfigKind,
}

#[derive(Debug)]
enum ConfigKind {
    InvalidProxy(&'static str),
    // Kept without a TLS feature too: features never change a type's shape.
    #[cfg_attr(not(any(feature = "rustls", feature = "native-tls")), allow(dead_code))]
    Tls(BoxError),
}

/// A connection the client cannot make whatever the server does: https
/// without TLS (no TLS feature, or rustls without root certificates), a proxy scheme this connector does not speak, a URL scheme
/// other than http/https.
#[derive(Debug)]
pub(crate) struct Unsupported(pub(crate) &'static str);

// ===== impl ConnectTimeout =====

impl ConnectTimeout {
    pub(crate) const fn new() -> Self {
        Self(())
    }
}

impl fmt::Display for ConnectTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("connect timed out")
    }
}

impl StdError for ConnectTimeout {}

// ===== impl ConfigError =====

impl ConfigError {
    pub(crate) fn invalid_proxy(reason: &'static str) -> Self {
        Self {
            kind: ConfigKind::InvalidProxy(reason),
        }
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    pub(crate) fn tls(err: impl Into<BoxError>) -> Self {
        Self {
            kind: ConfigKind::Tls(err.into()),
        }
    }

    /// Whether the proxy URL given to
    /// [`HttpClientBuilder::proxy`](super::HttpClientBuilder::proxy) is invalid.
    pub fn is_proxy(&self) -> bool {
        matches!(self.kind, ConfigKind::InvalidProxy(_))
    }

    /// Whether the TLS configuration could not be built.
    pub fn is_tls(&self) -> bool {
        matches!(self.kind, ConfigKind::Tls(_))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ConfigKind::InvalidProxy(reason) => write!(f, "invalid proxy URL: {reason}"),
            ConfigKind::Tls(_) => f.write_str("invalid TLS configuration"),
        }
    }
}

impl StdError for ConfigError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            ConfigKind::InvalidProxy(_) => None,
            ConfigKind::Tls(err) => Some(&**err),
        }
    }
}

// ===== impl Unsupported =====

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl StdError for Unsupported {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_timeout_message() {
        assert_eq!(ConnectTimeout::new().to_string(), "connect timed out");
    }

    #[test]
    fn config_error_queries() {
        let err = ConfigError::invalid_proxy("missing host");
        assert!(err.is_proxy());
        assert!(!err.is_tls());
        assert_eq!(err.to_string(), "invalid proxy URL: missing host");
        assert!(err.source().is_none());
    }
}
