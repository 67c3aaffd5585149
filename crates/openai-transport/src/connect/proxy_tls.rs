//! TLS to an `https://` proxy.
//!
//! The connection to the proxy itself is TLS, with the proxy's host name and
//! the client's TLS backend and roots (a custom rustls configuration included),
//! offering HTTP/1.1 only: forward requests and `CONNECT` are HTTP/1.1. An
//! https target then gets a second TLS session, to the target, inside the
//! tunnel.

use std::fmt;

use http::Uri;
use hyper::rt::{Read, Write};
use hyper_util::client::legacy::connect::HttpConnector;
use tower::Service;
#[cfg(any(feature = "rustls", feature = "native-tls"))]
use tower::ServiceExt;

use super::connector::Connecting;
use super::error::{ConfigError, Unsupported};
#[cfg(any(feature = "rustls", feature = "native-tls"))]
use super::transport::Backend;
use super::transport::TlsSettings;
use crate::BoxError;

/// A connection the proxy connector opened other than a plain TCP stream.
pub(crate) trait ProxyIo: Read + Write + Send + Unpin + 'static {}

impl<T: Read + Write + Send + Unpin + 'static> ProxyIo for T {}

/// A boxed [`ProxyIo`]: one allocation per proxied connection.
pub(crate) type BoxIo = Box<dyn ProxyIo>;

/// Opens TLS connections to `https://` proxies. Cheap to clone.
#[derive(Clone)]
pub(crate) enum ProxyTls {
    #[cfg(feature = "rustls")]
    Rustls(hyper_rustls::HttpsConnector<HttpConnector>),
    #[cfg(feature = "native-tls")]
    Native(hyper_tls::HttpsConnector<HttpConnector>),
    /// No TLS backend, or no roots: why an https proxy cannot be used.
    Unavailable(&'static str),
}

impl ProxyTls {
    /// The connector for `settings`' backend, over `http`.
    #[cfg_attr(
        not(any(feature = "rustls", feature = "native-tls")),
        allow(unused_variables)
    )]
    pub(crate) fn new(http: HttpConnector, settings: &TlsSettings) -> Result<Self, ConfigError> {
        match settings.backend() {
            #[cfg(feature = "native-tls")]
            Backend::NativeTls => {
                let tls = super::native::proxy_connector()?;
                Ok(Self::Native(hyper_tls::HttpsConnector::from((
                    http,
                    tls.into(),
                ))))
            }
            #[cfg(feature = "rustls")]
            Backend::Rustls => {
                let (config, https) = super::tls::config(settings.rustls_config.clone())?;
                if let Err(reason) = https {
                    return Ok(Self::Unavailable(reason));
                }
                let mut config = (*config).clone();
                config.alpn_protocols = vec![b"http/1.1".to_vec()];
                Ok(Self::Rustls(hyper_rustls::HttpsConnector::from((
                    http,
                    std::sync::Arc::new(config),
                ))))
            }
            _ => Ok(Self::Unavailable(
                "an https:// proxy needs TLS: enable the `rustls` or `native-tls` feature",
            )),
        }
    }
}

impl fmt::Debug for ProxyTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            #[cfg(feature = "rustls")]
            Self::Rustls(_) => "rustls",
            #[cfg(feature = "native-tls")]
            Self::Native(_) => "native-tls",
            Self::Unavailable(_) => "unavailable",
        };
        f.debug_tuple("ProxyTls").field(&name).finish()
    }
}

impl Service<Uri> for ProxyTls {
    type Response = BoxIo;
    type Error = BoxError;
    type Future = Connecting<BoxIo>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), BoxError>> {
        // Each call connects with its own clone (`oneshot`).
        std::task::Poll::Ready(Ok(()))
    }

    /// Connects to `proxy` (an `https://` URI) and completes the TLS handshake.
    #[cfg_attr(
        not(any(feature = "rustls", feature = "native-tls")),
        allow(unused_variables)
    )]
    fn call(&mut self, proxy: Uri) -> Self::Future {
        match self.clone() {
            #[cfg(feature = "rustls")]
            Self::Rustls(c) => Box::pin(async move {
                let io = c.oneshot(proxy).await?;
                Ok(Box::new(io) as BoxIo)
            }),
            #[cfg(feature = "native-tls")]
            Self::Native(c) => Box::pin(async move {
                let io = c.oneshot(proxy).await?;
                Ok(Box::new(io) as BoxIo)
            }),
            Self::Unavailable(reason) => {
                Box::pin(std::future::ready(Err(Unsupported(reason).into())))
            }
        }
    }
}
