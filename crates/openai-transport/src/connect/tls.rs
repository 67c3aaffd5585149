//! The rustls client configuration (feature `rustls`).
//!
//! Built explicitly with the `ring` provider: nothing here installs a
//! process-wide default provider. Roots are the operating system's trust store
//! (read by `rustls-native-certs`, which honours `SSL_CERT_FILE` and
//! `SSL_CERT_DIR`) plus Mozilla's roots when the `webpki-roots` feature is on.
//! ALPN offers `http/1.1`, and with the `http2` feature `h2` first; the
//! pooled client speaks whichever the server picks.
//!
//! A machine without any root certificate still gets a client: plain http
//! works and https requests fail with [`NO_ROOTS`].

use std::sync::{Arc, OnceLock};

use rustls::{ClientConfig, RootCertStore};

use super::error::ConfigError;

/// Why https is refused when no root certificate was found.
pub(crate) const NO_ROOTS: &str = "https is not available: no trusted root certificates were found \
     (the operating system's store is empty or unreadable; set SSL_CERT_FILE, \
     enable the `webpki-roots` feature or pass a TLS configuration)";

/// The protocols offered through ALPN, most preferred first: HTTP/2 only
/// with the `http2` feature.
#[cfg(feature = "http2")]
const ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];
#[cfg(not(feature = "http2"))]
const ALPN: &[&[u8]] = &[b"http/1.1"];

/// The TLS configuration to use and whether https is available with it.
pub(crate) fn config(
    custom: Option<ClientConfig>,
) -> Result<(Arc<ClientConfig>, Result<(), &'static str>), ConfigError> {
    if let Some(mut config) = custom {
        if config.alpn_protocols.is_empty() {
            config.alpn_protocols = alpn();
        }
        // Without HTTP/2 in the pool, a connection the server took to h2
        // would be spoken to in HTTP/1.1: never offer it.
        if cfg!(not(feature = "http2")) {
            config.alpn_protocols.retain(|p| p != b"h2");
        }
        return Ok((Arc::new(config), Ok(())));
    }
    let roots = root_store();
    // An empty store is kept so that the connector's type stays the same;
    // https never reaches it because the connector refuses https first.
    let https = if roots.is_empty() {
        Err(NO_ROOTS)
    } else {
        Ok(())
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(ConfigError::tls)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn();
    Ok((Arc::new(config), https))
}

fn alpn() -> Vec<Vec<u8>> {
    ALPN.iter().map(|p| p.to_vec()).collect()
}

/// The roots, loaded once per process: reading and parsing the OS store
/// costs tens of milliseconds of blocking I/O, which a program that builds
/// several clients should not pay each time. (`SSL_CERT_FILE` changes after
/// the first client is built are therefore not seen.)
fn root_store() -> Arc<RootCertStore> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    ROOTS.get_or_init(|| Arc::new(load_roots())).clone()
}

fn load_roots() -> RootCertStore {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for err in &native.errors {
        tracing::debug!(error = %err, "could not load some native root certificates");
    }
    let (added, ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, ignored, "loaded native root certificates");
    #[cfg(feature = "webpki-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if roots.is_empty() {
        tracing::warn!("no trusted root certificates found; https requests will fail");
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_roots_config() -> ClientConfig {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(RootCertStore::empty())
            .with_no_client_auth()
    }

    #[test]
    fn default_config_offers_http1_and_h2_with_the_feature() {
        let (config, _https) = config(None).unwrap();
        assert_eq!(config.alpn_protocols, alpn());
    }

    #[test]
    fn custom_config_gets_default_alpn_when_empty() {
        let (config, https) = config(Some(empty_roots_config())).unwrap();
        assert_eq!(config.alpn_protocols, alpn());
        assert!(https.is_ok());
    }

    #[test]
    fn custom_alpn_is_kept() {
        let mut custom = empty_roots_config();
        custom.alpn_protocols = vec![b"http/1.1".to_vec()];
        let (config, _) = config(Some(custom)).unwrap();
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn h2_is_offered_only_with_the_feature() {
        let mut custom = empty_roots_config();
        custom.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let (config, _) = config(Some(custom)).unwrap();
        let offers_h2 = config.alpn_protocols.iter().any(|p| p == b"h2");
        assert_eq!(offers_h2, cfg!(feature = "http2"));
        assert!(config.alpn_protocols.iter().any(|p| p == b"http/1.1"));
    }
}
