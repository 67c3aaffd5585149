//! The TLS layer: one connector type whichever TLS features are on.
//!
//! [`Transport`] sits between [`Connector`](super::connector::Connector) and
//! [`ProxyConnector`]. It is an enum so that the pooled client has a single
//! type for every feature combination and so that, with both `rustls` and
//! `native-tls` on, the backend is a runtime choice of the builder:
//!
//! | features     | https goes through                           |
//! |--------------|----------------------------------------------|
//! | `rustls`     | rustls                                       |
//! | `native-tls` | native-tls                                   |
//! | both         | rustls, or native-tls after `use_native_tls` |
//! | neither      | nothing: https is refused before connecting  |
//!
//! Both backends hand http targets through untouched and keep what
//! [`ProxyStream`] reports (`Connected::proxy` for a forward proxy), adding
//! `negotiated_h2` when ALPN picked HTTP/2.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::{Connected, Connection};
use tower::Service;

use super::connector::Connecting;
use super::error::ConfigError;
use super::proxy::{ProxyConnector, ProxyStream};
use crate::BoxError;

/// `Ok(())` when https can be served, else why not (see `Connector::new`).
pub(crate) type Https = Result<(), &'static str>;

/// TLS settings collected by the builder.
#[derive(Default, Clone)]
pub(crate) struct TlsSettings {
    /// From `HttpClientBuilder::tls_config`.
    #[cfg(feature = "rustls")]
    pub(crate) rustls_config: Option<rustls::ClientConfig>,
    /// Set by `use_native_tls`, cleared by `use_rustls` and `tls_config`.
    /// Only consulted when both backends are compiled in.
    pub(crate) native_tls: bool,
}

/// The library that serves https.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Rustls,
    NativeTls,
    /// No TLS feature: https is refused.
    None,
}

/// Opens connections, adding TLS for https targets with the chosen backend.
#[derive(Clone, Debug)]
pub(crate) enum Transport {
    #[cfg(feature = "rustls")]
    Rustls(hyper_rustls::HttpsConnector<ProxyConnector>),
    #[cfg(feature = "native-tls")]
    Native(hyper_tls::HttpsConnector<ProxyConnector>),
    /// No TLS: only http targets reach it.
    #[cfg(not(feature = "rustls"))]
    Plain(ProxyConnector),
}

/// A connection opened by [`Transport`].
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per pooled connection; boxing the rustls stream would add an \
              allocation and an indirection to the default backend"
)]
pub(crate) enum TransportStream {
    #[cfg(feature = "rustls")]
    Rustls(hyper_rustls::MaybeHttpsStream<ProxyStream>),
    #[cfg(feature = "native-tls")]
    Native(hyper_tls::MaybeHttpsStream<ProxyStream>),
    #[cfg(not(feature = "rustls"))]
    Plain(ProxyStream),
}

/// Runs `$body` with `$s` bound to the inner value of whichever variant of
/// [`Transport`] or [`TransportStream`] `$value` is.
macro_rules! each {
    ($value:expr, $s:ident => $body:expr) => {
        match $value {
            #[cfg(feature = "rustls")]
            Self::Rustls($s) => $body,
            #[cfg(feature = "native-tls")]
            Self::Native($s) => $body,
            #[cfg(not(feature = "rustls"))]
            Self::Plain($s) => $body,
        }
    };
}

// ===== impl TlsSettings =====

impl TlsSettings {
    /// The backend these settings select with the features compiled in.
    ///
    /// With only `native-tls` it is native-tls whatever the settings say; with
    /// both, only `use_native_tls` selects it, so that turning the feature on
    /// changes nothing for a program that does not ask for it.
    pub(crate) fn backend(&self) -> Backend {
        if cfg!(feature = "native-tls") && (self.native_tls || !cfg!(feature = "rustls")) {
            Backend::NativeTls
        } else if cfg!(feature = "rustls") {
            Backend::Rustls
        } else {
            Backend::None
        }
    }
}

// ===== impl Transport =====

impl Transport {
    /// The transport for `settings` over `tcp`, and whether https works with it.
    /// The transport of `settings`; with `http1_only`, TLS offers only
    /// `http/1.1` through ALPN (the connections of protocol upgrades, which
    /// HTTP/2 cannot carry).
    pub(crate) fn new(
        tcp: ProxyConnector,
        settings: TlsSettings,
        http1_only: bool,
    ) -> Result<(Self, Https), ConfigError> {
        #[cfg(feature = "native-tls")]
        if settings.backend() == Backend::NativeTls {
            // The proxies' connector sends no ALPN: the server speaks HTTP/1.1.
            let tls = if http1_only {
                super::native::proxy_connector()?
            } else {
                super::native::connector()?
            };
            let https = hyper_tls::HttpsConnector::from((tcp, tls.into()));
            return Ok((Self::Native(https), Ok(())));
        }
        Self::fallback(tcp, settings, http1_only)
    }

    #[cfg(feature = "rustls")]
    fn fallback(
        tcp: ProxyConnector,
        settings: TlsSettings,
        http1_only: bool,
    ) -> Result<(Self, Https), ConfigError> {
        let (mut config, https) = super::tls::config(settings.rustls_config)?;
        if http1_only {
            let mut only = (*config).clone();
            only.alpn_protocols = vec![b"http/1.1".to_vec()];
            config = std::sync::Arc::new(only);
        }
        Ok((
            Self::Rustls(hyper_rustls::HttpsConnector::from((tcp, config))),
            https,
        ))
    }

    // Without rustls: no TLS at all, or (`native-tls` alone) never reached.
    #[cfg(not(feature = "rustls"))]
    fn fallback(
        tcp: ProxyConnector,
        _settings: TlsSettings,
        _http1_only: bool,
    ) -> Result<(Self, Https), ConfigError> {
        Ok((Self::Plain(tcp), Err(NO_TLS)))
    }

    /// Which backend serves https.
    pub(crate) fn backend(&self) -> Backend {
        match self {
            #[cfg(feature = "rustls")]
            Self::Rustls(_) => Backend::Rustls,
            #[cfg(feature = "native-tls")]
            Self::Native(_) => Backend::NativeTls,
            #[cfg(not(feature = "rustls"))]
            Self::Plain(_) => Backend::None,
        }
    }
}

/// Why https is refused when no TLS backend is compiled in.
#[cfg(not(feature = "rustls"))]
const NO_TLS: &str = "https is not available: openai-transport was built without a TLS feature \
     (enable `rustls` or `native-tls`)";

impl Service<Uri> for Transport {
    type Response = TransportStream;
    type Error = BoxError;
    type Future = Connecting<TransportStream>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        each!(self, c => c.poll_ready(cx))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        match self {
            #[cfg(feature = "rustls")]
            Self::Rustls(c) => {
                let connecting = c.call(dst);
                Box::pin(async move { Ok(TransportStream::Rustls(connecting.await?)) })
            }
            #[cfg(feature = "native-tls")]
            Self::Native(c) => {
                let connecting = c.call(dst);
                Box::pin(async move { Ok(TransportStream::Native(connecting.await?)) })
            }
            #[cfg(not(feature = "rustls"))]
            Self::Plain(c) => {
                let connecting = c.call(dst);
                Box::pin(async move { Ok(TransportStream::Plain(connecting.await?)) })
            }
        }
    }
}

// ===== impl TransportStream =====

impl Connection for TransportStream {
    fn connected(&self) -> Connected {
        each!(self, s => s.connected())
    }
}

// Every variant is `Unpin`, so pinning just reborrows.
impl Read for TransportStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        each!(self.get_mut(), s => Pin::new(s).poll_read(cx, buf))
    }
}

impl Write for TransportStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        each!(self.get_mut(), s => Pin::new(s).poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        each!(self.get_mut(), s => Pin::new(s).poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        each!(self.get_mut(), s => Pin::new(s).poll_shutdown(cx))
    }

    fn is_write_vectored(&self) -> bool {
        each!(self, s => s.is_write_vectored())
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        each!(self.get_mut(), s => Pin::new(s).poll_write_vectored(cx, bufs))
    }
}
