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
//! The proxy URL's scheme says how to speak to the proxy:
//!
//! - `http://` (port 80 unless given): plain TCP, as above;
//! - `https://` (port 443 unless given): TLS to the proxy first
//!   ([`ProxyTls`]: the client's TLS backend and roots, HTTP/1.1), then the
//!   same forward request or `CONNECT` tunnel inside it, so an https target
//!   runs TLS inside TLS;
//! - `socks5://` and `socks5h://` (port 1080 unless given): a SOCKS5 tunnel
//!   (hyper-util's [`SocksV5`], with username and password from the URL,
//!   RFC 1929) to the target, then plain HTTP or TLS to the target as if it
//!   were direct. `socks5` resolves the target's name here (with Tokio's
//!   resolver, never blocking the runtime) and sends the address;
//!   `socks5h` sends the name for the proxy to resolve, as curl does.
//!
//! Any other scheme (`socks4`, say) fails the request with a clear error
//! rather than silently going direct.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::uri::Scheme;
use http::{HeaderValue, Uri};
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::{SocksV5, Tunnel};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower::{Service, ServiceExt};

use super::connector::Connecting;
use super::error::Unsupported;
use super::proxy_tls::{BoxIo, ProxyTls};

/// Which requests go through which proxy. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Proxies {
    matcher: Option<Arc<Matcher>>,
    // Whether a proxy URL is `https://`: only then is TLS to a proxy set up.
    tls: bool,
    // Whether a proxy for http targets may carry credentials; when not,
    // requests skip the per-request proxy lookup of `forward_auth`.
    http_credentials: bool,
}

/// Opens TCP streams, through a proxy when [`Proxies`] says so.
#[derive(Clone, Debug)]
pub(crate) struct ProxyConnector {
    http: HttpConnector,
    proxies: Proxies,
    tls: ProxyTls,
}

/// A stream to the target (or to a forward proxy, which it remembers).
pub(crate) struct ProxyStream {
    io: Io,
    forward_proxy: bool,
}

enum Io {
    /// Direct, to an `http://` proxy, or through a SOCKS tunnel.
    Tcp(TokioIo<TcpStream>),
    /// Through an `https://` proxy: TLS to the proxy.
    Tls(BoxIo),
}

impl fmt::Debug for ProxyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let io = match &self.io {
            Io::Tcp(_) => "tcp",
            Io::Tls(_) => "tls to an https proxy",
        };
        f.debug_struct("ProxyStream")
            .field("io", &io)
            .field("forward_proxy", &self.forward_proxy)
            .finish()
    }
}

/// How a proxy URL's scheme says to reach the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Http,
    Https,
    /// `socks5` (`remote_dns: false`) or `socks5h`.
    Socks5 {
        remote_dns: bool,
    },
}

impl Kind {
    fn of(proxy: &Uri) -> Option<Self> {
        match proxy.scheme_str()? {
            s if s.eq_ignore_ascii_case("http") => Some(Self::Http),
            s if s.eq_ignore_ascii_case("https") => Some(Self::Https),
            s if s.eq_ignore_ascii_case("socks5") => Some(Self::Socks5 { remote_dns: false }),
            s if s.eq_ignore_ascii_case("socks5h") => Some(Self::Socks5 { remote_dns: true }),
            _ => None,
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Self::Http => 80,
            Self::Https => 443,
            Self::Socks5 { .. } => 1080,
        }
    }
}

/// `uri`'s host with an explicit port: `scheme://host:port`.
fn with_port(uri: &Uri, scheme: &str, default_port: u16) -> Result<Uri, crate::BoxError> {
    let host = uri.host().ok_or("the URL has no host")?;
    let port = uri.port_u16().unwrap_or(default_port);
    Ok(format!("{scheme}://{host}:{port}").parse()?)
}

// ===== impl Proxies =====

impl Proxies {
    /// Never use a proxy.
    pub(crate) fn none() -> Self {
        Self {
            matcher: None,
            tls: false,
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
        let tls = PROXY_VARIABLES
            .iter()
            .filter_map(std::env::var_os)
            .any(|value| is_https(&value.to_string_lossy()));
        Self::from_matcher(Matcher::from_env(), tls, http_credentials)
    }

    /// As [`from_env`](Self::from_env), with the variables read through
    /// `lookup` instead of the process environment (tests).
    #[cfg(test)]
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let first = |names: [&str; 2]| names.iter().find_map(|n| lookup(n));
        let mut builder = Matcher::builder();
        if let Some(all) = first(["ALL_PROXY", "all_proxy"]) {
            builder = builder.all(all);
        }
        if let Some(http) = first(["HTTP_PROXY", "http_proxy"]) {
            builder = builder.http(http);
        }
        if let Some(https) = first(["HTTPS_PROXY", "https_proxy"]) {
            builder = builder.https(https);
        }
        if let Some(no) = first(["NO_PROXY", "no_proxy"]) {
            builder = builder.no(no);
        }
        let values: Vec<String> = PROXY_VARIABLES.iter().filter_map(|n| lookup(n)).collect();
        let tls = values.iter().any(|v| is_https(v));
        let http_credentials = values.iter().any(|v| has_userinfo(v));
        Self::from_matcher(builder.build(), tls, http_credentials)
    }

    /// Whether an `https://` proxy may be used, so TLS to it must be ready.
    pub(crate) fn may_use_tls(&self) -> bool {
        self.tls
    }

    /// `url` for http and https targets, except hosts matched by `no_proxy`
    /// (curl's `NO_PROXY` syntax).
    pub(crate) fn with_url(url: &str, no_proxy: &str) -> Self {
        let matcher = Matcher::builder().http(url).https(url).no(no_proxy).build();
        Self::from_matcher(matcher, is_https(url), has_userinfo(url))
    }

    fn from_matcher(matcher: Matcher, tls: bool, http_credentials: bool) -> Self {
        Self {
            matcher: Some(Arc::new(matcher)),
            tls,
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

/// The variables a proxy URL is read from (hyper-util's `Matcher` reads the
/// same, first match of each pair).
const PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Whether a proxy URL is `https://`.
fn is_https(url: &str) -> bool {
    url.trim()
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
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
    pub(crate) fn new(http: HttpConnector, proxies: Proxies, tls: ProxyTls) -> Self {
        Self { http, proxies, tls }
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
                Ok(ProxyStream::new(Io::Tcp(io), false))
            });
        };
        let Some(kind) = Kind::of(proxy.uri()) else {
            let err = Unsupported(
                "unsupported proxy scheme: use http://, https://, socks5:// or socks5h://",
            );
            return Box::pin(std::future::ready(Err(err.into())));
        };
        tracing::trace!(proxy = ?proxy.uri(), "connecting through proxy");
        let https_target = dst.scheme() == Some(&Scheme::HTTPS);
        let tls = self.tls.clone();
        Box::pin(async move {
            match kind {
                Kind::Http | Kind::Https => {
                    let scheme = if kind == Kind::Https { "https" } else { "http" };
                    let proxy_uri = with_port(proxy.uri(), scheme, kind.default_port())?;
                    match (kind, https_target) {
                        (Kind::Http, true) => {
                            let io = tunnel(proxy_uri, http, &proxy).oneshot(dst).await?;
                            Ok(ProxyStream::new(Io::Tcp(io), false))
                        }
                        (Kind::Http, false) => {
                            let io = http.oneshot(proxy_uri).await?;
                            Ok(ProxyStream::new(Io::Tcp(io), true))
                        }
                        (_, true) => {
                            let io = tunnel(proxy_uri, tls, &proxy).oneshot(dst).await?;
                            Ok(ProxyStream::new(Io::Tls(io), false))
                        }
                        (_, false) => {
                            let io = tls.oneshot(proxy_uri).await?;
                            Ok(ProxyStream::new(Io::Tls(io), true))
                        }
                    }
                }
                Kind::Socks5 { remote_dns } => {
                    let proxy_uri = with_port(proxy.uri(), "http", kind.default_port())?;
                    let target_port = dst
                        .port_u16()
                        .unwrap_or(if https_target { 443 } else { 80 });
                    let target = if remote_dns {
                        with_port(&dst, "http", target_port)?
                    } else {
                        resolve(&dst, target_port).await?
                    };
                    let mut socks = SocksV5::new(proxy_uri, http).local_dns(false);
                    if let Some((user, password)) = proxy.raw_auth() {
                        socks = socks.with_auth(user.to_owned(), password.to_owned());
                    }
                    let io = socks.oneshot(target).await?;
                    Ok(ProxyStream::new(Io::Tcp(io), false))
                }
            }
        })
    }
}

/// A `CONNECT` tunnel to the proxy at `proxy_uri`, reached through `connector`,
/// with the proxy's credentials.
fn tunnel<C>(proxy_uri: Uri, connector: C, proxy: &Intercept) -> Tunnel<C> {
    let tunnel = Tunnel::new(proxy_uri, connector);
    match proxy.basic_auth() {
        Some(auth) => tunnel.with_auth(auth.clone()),
        None => tunnel,
    }
}

/// `dst`'s host resolved here (SOCKS5 without `h`), as `http://ip:port`.
async fn resolve(dst: &Uri, port: u16) -> Result<Uri, crate::BoxError> {
    let host = dst.host().ok_or("the URL has no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addr = tokio::net::lookup_host((host, port))
        .await?
        .next()
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "the host name resolved to no address",
            )
        })?;
    Ok(format!("http://{addr}").parse()?)
}

// ===== impl ProxyStream =====

impl ProxyStream {
    fn new(io: Io, forward_proxy: bool) -> Self {
        Self { io, forward_proxy }
    }
}

impl Connection for ProxyStream {
    fn connected(&self) -> Connected {
        let connected = match &self.io {
            Io::Tcp(io) => io.connected(),
            // ALPN with the proxy says nothing about the target.
            Io::Tls(_) => Connected::new(),
        };
        connected.proxy(self.forward_proxy)
    }
}

/// Runs `$body` with `$io` bound to the stream inside `$value`, an `&mut Io`.
macro_rules! io {
    ($value:expr, $io:ident => $body:expr) => {
        match $value {
            Io::Tcp($io) => $body,
            Io::Tls($io) => $body,
        }
    };
}

impl Read for ProxyStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        io!(&mut self.io, io => Pin::new(io).poll_read(cx, buf))
    }
}

impl Write for ProxyStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        io!(&mut self.io, io => Pin::new(io).poll_write(cx, buf))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        io!(&mut self.io, io => Pin::new(io).poll_flush(cx))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        io!(&mut self.io, io => Pin::new(io).poll_shutdown(cx))
    }

    fn is_write_vectored(&self) -> bool {
        match &self.io {
            Io::Tcp(io) => io.is_write_vectored(),
            Io::Tls(io) => io.is_write_vectored(),
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        io!(&mut self.io, io => Pin::new(io).poll_write_vectored(cx, bufs))
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
    async fn socks4_proxies_are_refused() {
        let proxies = Proxies::with_url("socks4://127.0.0.1:1080", "");
        let tls = ProxyTls::Unavailable("unused");
        let mut connector = ProxyConnector::new(HttpConnector::new(), proxies, tls);
        let err = connector
            .call(uri("http://api.example.test/"))
            .await
            .unwrap_err();
        assert!(err.downcast_ref::<Unsupported>().is_some(), "{err:?}");
    }

    /// tests-to-match 1.10: with only `HTTPS_PROXY` set, https targets go
    /// through it and http targets go direct (Python: one mount, `https://`).
    #[test]
    fn case_1_10_https_proxy_alone_proxies_only_https_targets() {
        let proxies = Proxies::from_lookup(|name| {
            (name == "HTTPS_PROXY").then(|| "https://example.org".to_owned())
        });
        let https = proxies
            .intercept(&http::Uri::from_static("https://api.openai.com/v1"))
            .unwrap();
        assert_eq!(https.uri().to_string(), "https://example.org/");
        assert!(
            proxies
                .intercept(&http::Uri::from_static("http://api.openai.com/v1"))
                .is_none()
        );
    }

    #[test]
    fn proxies_come_from_the_environment_variables() {
        let proxies = Proxies::from_lookup(|name| match name {
            "HTTPS_PROXY" => Some("https://proxy.example:8443".to_owned()),
            "ALL_PROXY" => Some("socks5h://u:p@socks.example".to_owned()),
            "NO_PROXY" => Some("internal.example".to_owned()),
            _ => None,
        });
        assert!(proxies.may_use_tls());
        let https = proxies
            .intercept(&http::Uri::from_static("https://api.openai.com/v1"))
            .unwrap();
        assert_eq!(https.uri().to_string(), "https://proxy.example:8443/");
        let http = proxies
            .intercept(&http::Uri::from_static("http://api.openai.com/v1"))
            .unwrap();
        assert_eq!(http.uri().scheme_str(), Some("socks5h"));
        assert_eq!(http.raw_auth(), Some(("u", "p")));
        assert!(
            proxies
                .intercept(&http::Uri::from_static("https://api.internal.example/"))
                .is_none()
        );
        let plain = Proxies::from_lookup(|name| {
            (name == "http_proxy").then(|| "http://proxy.example:3128".to_owned())
        });
        assert!(!plain.may_use_tls());
    }
}
