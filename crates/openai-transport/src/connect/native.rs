//! The native-tls connector (feature `native-tls`).
//!
//! The platform's TLS library (OpenSSL on Linux and the BSDs, Secure
//! Transport on macOS, SChannel on Windows) with the platform's trust store;
//! on OpenSSL, `SSL_CERT_FILE` and `SSL_CERT_DIR` are honoured. Minimum
//! version TLS 1.2, like the rustls backend. With the `http2` feature ALPN
//! offers `h2` then `http/1.1`, and hyper-tls tells the pool when the server
//! picked `h2`; without it no ALPN is sent (HTTP/1.1).
//!
//! Nothing here changes the process: native-tls 0.2.18 reads the certificate
//! locations without setting environment variables (older 0.2 releases set
//! `SSL_CERT_FILE`/`SSL_CERT_DIR` process-wide, hence the minimum version in
//! the workspace manifest).

use std::sync::OnceLock;

use native_tls::TlsConnector;

use super::error::ConfigError;

/// The protocols offered through ALPN, most preferred first (only with the
/// `http2` feature: without it no ALPN is sent and the server speaks
/// HTTP/1.1).
#[cfg(feature = "http2")]
const ALPN: [&str; 2] = ["h2", "http/1.1"];

/// The connector, built once per process and shared afterwards (a clone is a
/// reference count): building it reads and parses the system's CA bundle,
/// which a program that builds several clients should not pay each time.
/// A failure is not cached; the next `build` tries again.
pub(crate) fn connector() -> Result<TlsConnector, ConfigError> {
    static CONNECTOR: OnceLock<TlsConnector> = OnceLock::new();
    if let Some(connector) = CONNECTOR.get() {
        return Ok(connector.clone());
    }
    let mut builder = TlsConnector::builder();
    builder.min_protocol_version(Some(native_tls::Protocol::Tlsv12));
    #[cfg(feature = "http2")]
    builder.request_alpns(&ALPN);
    let connector = builder.build().map_err(ConfigError::tls)?;
    Ok(CONNECTOR.get_or_init(|| connector).clone())
}

/// The connector for `https://` proxies: as [`connector`], without ALPN
/// (forward requests and `CONNECT` are HTTP/1.1), built once per process.
pub(crate) fn proxy_connector() -> Result<TlsConnector, ConfigError> {
    static CONNECTOR: OnceLock<TlsConnector> = OnceLock::new();
    if let Some(connector) = CONNECTOR.get() {
        return Ok(connector.clone());
    }
    let connector = TlsConnector::builder()
        .min_protocol_version(Some(native_tls::Protocol::Tlsv12))
        .build()
        .map_err(ConfigError::tls)?;
    Ok(CONNECTOR.get_or_init(|| connector).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_more_than_once() {
        connector().unwrap();
        connector().unwrap();
    }
}
