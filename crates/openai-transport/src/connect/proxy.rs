//! Proxy selection and the TCP-level connector.
//!
//! [`Proxies`] decides, per target URI, whether to go through a proxy. It is
//! hyper-util's [`Matcher`], which applies curl's rules for `HTTP_PROXY`,
//! `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (and their lowercase forms).
//!
//! [`ProxyConnector`] then opens the TCP stream:
//!
//! - no proxy: straight to the target;
//! - `http://` target: to the proxy, and the stream says
//!   `Connected::proxy(true)` so hyper-util writes the request line in
//!   absolute form (`GET http://host/path HTTP/1.1`). The proxy credentials
//!   go in a `Proxy-Authorization` header that `HttpClient::call` adds
//!   (hyper-util does not);
//! - `https://` target: an HTTP `CONNECT` tunnel through the proxy
//!   (hyper-util's [`Tunnel`], with the credentials), then TLS to the target
//!   on top, done by the layer above.
//!
//! Only `http://` proxies are spoken. An `https://` or SOCKS proxy from the
//! environment fails the request with a clear error rather than silently
//! going direct.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::uri::Scheme;
use http::{HeaderValue, Uri};
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower::{Service, ServiceExt};

use super::connector::Connecting;
use super::error::Unsupported;

/// Which requests go through which proxy. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Proxies {
    matcher: Option<Arc<Matcher>>,
    // Whether a proxy for http targets may carry credentials; when not,
    // requests skip the per-request proxy lookup of `forward_auth`.
    http_credentials: bool,
}

/// Opens TCP streams, through a proxy when [`Proxies`] says so.
#[derive(Clone, Debug)]
pub(crate) struct ProxyConnector {
    http: HttpConnector,
    proxies: Proxies,
}

/// A TCP stream that remembers whether it leads to a forward proxy.
#[derive(Debug)]
pub(crate) struct ProxyStream {
    io: TokioIo<TcpStream>,
    forward_proxy: bool,
}

// ===== impl Proxies =====

impl Proxies {
    /// Never use a proxy.
    pub(crate) fn none() -> Self {
        Self {
            matcher: None,
            http_credentials: false,
        }
    }

    /// Reads the proxy variables of the process environment, once.
    pub(crate) fn from_env() -> Self {
        // The variables hyper-util's matcher takes an http target's proxy from.
        let http_credentials = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
            .iter()
            .filter_map(std::env::var_os)
            .any(|value| has_userinfo(&value.to_string_lossy()));
        Self::from_matcher(Matcher::from_env(), http_credentials)
    }

    /// `url` for http and https targets, except hosts matched by `no_proxy`
    /// (curl's `NO_PROXY` syntax).
    pub(crate) fn with_url(url: &str, no_proxy: &str) -> Self {
        let matcher = Matcher::builder().http(url).https(url).no(no_proxy).build();
        Self::from_matcher(matcher, has_userinfo(url))
    }

    fn from_matcher(matcher: Matcher, http_credentials: bool) -> Self {
        Self {
            matcher: Some(Arc::new(matcher)),
            http_credentials,
        }
    }

    pub(crate) fn intercept(&self, dst: &Uri) -> Option<Intercept> {
        self.matcher.as_ref()?.intercept(dst)
    }

    /// The `Proxy-Authorization` value to send with a request to `dst`, when
    /// the request goes to a forward proxy that has credentials. https targets
    /// send theirs in the `CONNECT` request instead, never to the target.
    pub(crate) fn forward_auth(&self, dst: &Uri) -> Option<HeaderValue> {
        if !self.http_credentials || dst.scheme() != Some(&Scheme::HTTP) {
            return None;
        }
        let proxy = self.intercept(dst)?;
        let mut auth = proxy.basic_auth()?.clone();
        auth.set_sensitive(true);
        Some(auth)
    }
}

/// Whether a proxy URL (`http://user:pass@host:port`, or without a scheme)
/// has a userinfo part: an `@` before the path.
fn has_userinfo(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority.contains('@')
}

impl fmt::Debug for Proxies {
    // NOTE: `Matcher`'s Debug prints proxy hosts and the NO_PROXY list but
    // never credentials (hyper-util strips userinfo from the URI and skips
    // the auth field); `debug_hides_proxy_credentials` checks it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.matcher {
            Some(matcher) => fmt::Debug::fmt(matcher, f),
            None => f.write_str("None"),
        }
    }
}

// ===== impl ProxyConnector =====

impl ProxyConnector {
    pub(crate) fn new(http: HttpConnector, proxies: Proxies) -> Self {
        Self { http, proxies }
    }
}

impl Service<Uri> for ProxyConnector {
    type Response = ProxyStream;
    type Error = crate::BoxError;
    type Future = Connecting<ProxyStream>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Each call connects with its own clone of `HttpConnector` (`oneshot`).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let http = self.http.clone();
        let Some(proxy) = self.proxies.intercept(&dst) else {
            return Box::pin(async move {
                let io = http.oneshot(dst).await?;
                Ok(ProxyStream::new(io, false))
            });
        };
        if proxy.uri().scheme() != Some(&Scheme::HTTP) {
            let err = Unsupported("unsupported proxy scheme: only http:// proxies are supported");
            return Box::pin(std::future::ready(Err(err.into())));
        }
        tracing::trace!(proxy = ?proxy.uri(), "connecting through proxy");
        if dst.scheme() == Some(&Scheme::HTTPS) {
            let mut tunnel = Tunnel::new(proxy.uri().clone(), http);
            if let Some(auth) = proxy.basic_auth() {
                tunnel = tunnel.with_auth(auth.clone());
            }
            Box::pin(async move {
                let io = tunnel.oneshot(dst).await?;
                Ok(ProxyStream::new(io, false))
            })
        } else {
            let proxy_uri = proxy.uri().clone();
            Box::pin(async move {
                let io = http.oneshot(proxy_uri).await?;
                Ok(ProxyStream::new(io, true))
            })
        }
    }
}

// ===== impl ProxyStream =====

impl ProxyStream {
    fn new(io: TokioIo<TcpStream>, forward_proxy: bool) -> Self {
        Self { io, forward_proxy }
    }
}

impl Connection for ProxyStream {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.forward_proxy)
    }
}

impl Read for ProxyStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl Write for ProxyStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &'static str) -> Uri {
        Uri::from_static(s)
    }

    #[test]
    fn no_proxy_excludes_hosts() {
        let proxies = Proxies::with_url("http://127.0.0.1:3128", "internal.example, 10.0.0.0/8");
        assert!(
            proxies
                .intercept(&uri("http://api.internal.example/v1"))
                .is_none()
        );
        assert!(proxies.intercept(&uri("http://10.1.2.3/v1")).is_none());
        let proxy = proxies
            .intercept(&uri("https://api.openai.com/v1"))
            .unwrap();
        assert_eq!(proxy.uri().authority().unwrap(), "127.0.0.1:3128");
        assert!(
            proxies
                .intercept(&uri("http://api.openai.com/v1"))
                .is_some()
        );
    }

    #[test]
    fn none_never_intercepts() {
        assert!(
            Proxies::none()
                .intercept(&uri("https://api.openai.com/"))
                .is_none()
        );
        assert!(
            Proxies::none()
                .forward_auth(&uri("http://api.openai.com/"))
                .is_none()
        );
    }

    #[test]
    fn forward_auth_is_sensitive_and_only_for_http_targets() {
        let proxies = Proxies::with_url("http://user:secret@127.0.0.1:3128", "");
        let auth = proxies
            .forward_auth(&uri("http://api.example.test/"))
            .unwrap();
        assert_eq!(auth, "Basic dXNlcjpzZWNyZXQ=");
        assert!(auth.is_sensitive());
        assert!(
            proxies
                .forward_auth(&uri("https://api.example.test/"))
                .is_none()
        );
        let anonymous = Proxies::with_url("http://127.0.0.1:3128", "");
        assert!(
            anonymous
                .forward_auth(&uri("http://api.example.test/"))
                .is_none()
        );
    }

    #[test]
    fn userinfo_is_found_before_the_path_only() {
        assert!(has_userinfo("http://user:secret@127.0.0.1:3128"));
        assert!(has_userinfo("user@proxy:3128"));
        assert!(!has_userinfo("http://127.0.0.1:3128"));
        assert!(!has_userinfo("http://proxy:3128/path@x"));
        assert!(!has_userinfo(""));
    }

    #[test]
    fn debug_hides_proxy_credentials() {
        let proxies = Proxies::with_url("http://user:secret@127.0.0.1:3128", "localhost");
        let debug = format!("{proxies:?}");
        assert!(debug.contains("127.0.0.1:3128"), "{debug}");
        assert!(
            !debug.contains("secret") && !debug.contains("dXNlcjpzZWNyZXQ="),
            "{debug}"
        );
    }

    #[tokio::test]
    async fn socks_proxies_are_refused() {
        let proxies = Proxies::with_url("socks5://127.0.0.1:1080", "");
        let mut connector = ProxyConnector::new(HttpConnector::new(), proxies);
        let err = connector
            .call(uri("http://api.example.test/"))
            .await
            .unwrap_err();
        assert!(err.downcast_ref::<Unsupported>().is_some(), "{err:?}");
    }
}
