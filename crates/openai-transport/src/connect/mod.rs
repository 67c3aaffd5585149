//! The HTTP client at the bottom of the stack: connection pool, TLS, proxies
//! and the connect timeout.
//!
//! [`HttpClient`] is a [`tower::Service`] from [`HttpRequest`] to
//! [`HttpResponse`] over hyper-util's pooled `legacy::Client`, which speaks
//! HTTP/1.1 and HTTP/2 (chosen by ALPN). Each new connection goes through a
//! chain of connectors, outermost first:
//!
//! ```text
//!   HttpClient          adds Proxy-Authorization for http targets behind a forward proxy
//!    └ legacy::Client   pool keyed by scheme + host + port; one pool per HttpClient
//!       └ Connector     refuses unsupported schemes (https without TLS);
//!          │            connect timeout over everything below
//!          └ Transport   TLS + ALPN for https targets: hyper-rustls (`rustls`)
//!             │          or hyper-tls (`native-tls`), or none
//!             └ ProxyConnector   direct | to a forward proxy | CONNECT tunnel |
//!                │                SOCKS5 tunnel; TLS to the proxy first for https:// proxies
//!                └ HttpConnector   DNS + TCP
//! ```
//!
//! Everything is decided once, in [`HttpClientBuilder::build`]: the proxy
//! environment variables are read then (through hyper-util's `Matcher`, which
//! follows curl's rules), and so is the TLS backend with its root
//! certificates. Nothing here has a process-wide effect: the rustls
//! configuration carries its own `ring` provider instead of installing a
//! default one, and native-tls finds the system's certificates without
//! setting environment variables.
//!
//! TLS backends: with the `rustls` feature (the default) https goes through
//! rustls; with `native-tls` alone, through the platform's library; with
//! both, rustls unless `HttpClientBuilder::use_native_tls` is called.
//!
//! Proxies, from `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (or
//! [`HttpClientBuilder::proxy`]): `http://` and `https://` proxies (TLS to the
//! proxy) serve http targets as a forward proxy and https targets through a
//! `CONNECT` tunnel; `socks5://` and `socks5h://` proxies tunnel both.
//! Credentials in the URL are used (`Proxy-Authorization: Basic`, or SOCKS5
//! username and password) and never logged. Another scheme found in the
//! environment fails each request it applies to (it is never skipped
//! silently); one given to [`HttpClientBuilder::proxy`] fails `build`.
//!
//! Errors are [`BoxError`]s with hyper-util's error on top and the cause in
//! its `source()` chain; a [`ConnectTimeout`] there means connecting took too
//! long, as opposed to being refused.
//!
//! # Example
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use openai_transport::connect::HttpClient;
//! use openai_transport::Body;
//! use tower::ServiceExt;
//!
//! # async fn run() -> Result<(), openai_transport::BoxError> {
//! let client = HttpClient::builder()
//!     .connect_timeout(Duration::from_secs(10))
//!     .proxy("http://proxy.internal:3128")
//!     .build()?;
//! let request = http::Request::get("https://api.openai.com/v1/models").body(Body::empty())?;
//! let response = client.oneshot(request).await?;
//! println!("{}", response.status());
//! # Ok(()) }
//! # drop(run());
//! ```

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::header::PROXY_AUTHORIZATION;
use hyper_util::client::legacy::Client;
use tower::Service;

use crate::{Body, BoxError, HttpRequest, HttpResponse};

mod builder;
mod connector;
mod error;
pub mod future;
#[cfg(feature = "native-tls")]
mod native;
mod proxy;
mod proxy_tls;
#[cfg(feature = "rustls")]
mod tls;
mod transport;

#[cfg(all(test, feature = "rustls"))]
mod proxy_tests;
#[cfg(test)]
mod test_support;

pub use self::builder::HttpClientBuilder;
pub(crate) use self::error::Unsupported;
pub use self::error::{ConfigError, ConnectTimeout};

use self::transport::{Backend, Transport};

/// Pooled HTTP/1.1 and HTTP/2 client: TLS (rustls or native-tls), proxies,
/// connect timeout. With the `http2` feature, requests that ask for a
/// protocol upgrade (`Upgrade`, a WebSocket handshake) go through a second
/// pool whose TLS offers only HTTP/1.1: HTTP/2 cannot upgrade.
///
/// Cloning is cheap and every clone shares one connection pool. Build one
/// with [`HttpClient::builder`].
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client<connector::Connector<Transport>, Body>,
    /// With `http2`: the pool of requests carrying `Upgrade`, whose TLS
    /// offers only HTTP/1.1.
    #[cfg(feature = "http2")]
    upgrades: Client<connector::Connector<Transport>, Body>,
    proxies: proxy::Proxies,
    connect_timeout: Option<Duration>,
    tls: Backend,
}

impl HttpClient {
    /// A builder with the defaults: connect timeout 5 s, proxies from the
    /// environment, idle connections kept 90 s, at most 100 per host.
    pub fn builder() -> HttpClientBuilder {
        HttpClientBuilder::new()
    }

    fn from_parts(
        client: Client<connector::Connector<Transport>, Body>,
        #[cfg(feature = "http2")] upgrades: Client<connector::Connector<Transport>, Body>,
        proxies: proxy::Proxies,
        connect_timeout: Option<Duration>,
        tls: Backend,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                client,
                #[cfg(feature = "http2")]
                upgrades,
                proxies,
                connect_timeout,
                tls,
            }),
        }
    }
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("proxies", &self.inner.proxies)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("tls", &self.inner.tls)
            .finish_non_exhaustive()
    }
}

impl Service<HttpRequest> for HttpClient {
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = future::ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // The pool is always ready; waiting for a connection happens in the future.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: HttpRequest) -> Self::Future {
        // hyper-util sends the request line in absolute form to a forward
        // proxy but leaves the credentials to us. A caller's own header wins.
        if let Some(auth) = self.inner.proxies.forward_auth(request.uri()) {
            request
                .headers_mut()
                .entry(PROXY_AUTHORIZATION)
                .or_insert(auth);
        }
        #[cfg(feature = "http2")]
        if request.headers().contains_key(http::header::UPGRADE) {
            return future::ResponseFuture::new(self.inner.upgrades.request(request));
        }
        future::ResponseFuture::new(self.inner.client.request(request))
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    use super::test_support::NotTls;
    use super::test_support::{Proxy, Server, find};
    use super::*;

    fn get(uri: &str) -> HttpRequest {
        http::Request::get(uri).body(Body::empty()).unwrap()
    }

    async fn text(response: HttpResponse) -> String {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    /// A client that never reads the proxy environment.
    fn direct() -> HttpClient {
        HttpClient::builder().no_proxy().build().unwrap()
    }

    /// Any rustls configuration, so https tests do not depend on the
    /// machine's root certificates.
    #[cfg(feature = "rustls")]
    fn test_tls() -> rustls::ClientConfig {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth()
    }

    #[test]
    fn client_is_send_sync_clone_and_its_future_is_send() {
        fn assert_client<T: Send + Sync + Clone + 'static>() {}
        fn assert_future<T: Send + Sync + 'static>() {}
        assert_client::<HttpClient>();
        assert_future::<future::ResponseFuture>();
        assert_future::<ConnectTimeout>();
        assert_future::<ConfigError>();
    }

    #[test]
    fn builds_outside_a_runtime() {
        direct();
    }

    #[tokio::test]
    async fn sequential_requests_reuse_one_connection() {
        let server = Server::start("hello").await;
        let client = direct();
        for _ in 0..2 {
            let response = client
                .clone()
                .oneshot(get(&server.url("/v1/models")))
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(text(response).await, "hello");
        }
        assert_eq!(server.connections(), 1);
        let heads = server.heads();
        assert_eq!(heads.len(), 2);
        assert!(
            heads[0].starts_with("GET /v1/models HTTP/1.1\r\n"),
            "{}",
            heads[0]
        );
    }

    #[tokio::test]
    async fn refused_connections_are_connect_errors() {
        let port = Server::unused_port().await;
        let err = direct()
            .oneshot(get(&format!("http://127.0.0.1:{port}/")))
            .await
            .unwrap_err();
        let legacy = err
            .downcast_ref::<hyper_util::client::legacy::Error>()
            .unwrap();
        assert!(legacy.is_connect(), "{err:?}");
        assert!(find::<ConnectTimeout>(&*err).is_none());
        assert!(err.source().is_some());
    }

    #[tokio::test]
    async fn forward_proxy_gets_absolute_form_and_credentials() {
        let proxy = Proxy::start(Some("proxied")).await;
        let client = HttpClient::builder()
            .proxy_with_no_proxy(&proxy.url_with_auth("user", "secret"), "")
            .build()
            .unwrap();
        let response = client
            .oneshot(get("http://api.example.test/v1/models"))
            .await
            .unwrap();
        assert_eq!(text(response).await, "proxied");
        let head = proxy.head().await.to_ascii_lowercase();
        assert!(
            head.starts_with("get http://api.example.test/v1/models http/1.1\r\n"),
            "{head}"
        );
        assert!(
            head.contains("\r\nproxy-authorization: basic dxnlcjpzzwnyzxq=\r\n"),
            "{head}"
        );
        assert!(head.contains("\r\nhost: api.example.test\r\n"), "{head}");
    }

    #[tokio::test]
    async fn no_proxy_hosts_go_direct() {
        let server = Server::start("direct").await;
        let proxy = Proxy::start(Some("proxied")).await;
        let client = HttpClient::builder()
            .proxy_with_no_proxy(&proxy.url(), "127.0.0.1")
            .build()
            .unwrap();
        let direct = client
            .clone()
            .oneshot(get(&server.url("/a")))
            .await
            .unwrap();
        assert_eq!(text(direct).await, "direct");
        // Same server, but `localhost` is not in NO_PROXY.
        let url = format!("http://localhost:{}/b", server.port());
        let proxied = client.oneshot(get(&url)).await.unwrap();
        assert_eq!(text(proxied).await, "proxied");
        let head = proxy.head().await;
        assert!(
            head.starts_with(&format!("GET {url} HTTP/1.1\r\n")),
            "{head}"
        );
        assert_eq!(server.heads().len(), 1);
    }

    /// A builder for https tests with the default backend. With rustls, the
    /// tests do not depend on the machine's root certificates.
    #[cfg(feature = "rustls")]
    fn https_builder() -> HttpClientBuilder {
        HttpClient::builder().tls_config(test_tls())
    }

    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    fn https_builder() -> HttpClientBuilder {
        HttpClient::builder()
    }

    #[test]
    fn the_default_backend_depends_only_on_the_features() {
        let expected = if cfg!(feature = "rustls") {
            Backend::Rustls
        } else if cfg!(feature = "native-tls") {
            Backend::NativeTls
        } else {
            Backend::None
        };
        assert_eq!(direct().inner.tls, expected);
    }

    #[cfg(feature = "native-tls")]
    #[test]
    fn use_native_tls_builds() {
        let client = HttpClient::builder()
            .no_proxy()
            .use_native_tls()
            .build()
            .unwrap();
        assert_eq!(client.inner.tls, Backend::NativeTls);
        let debug = format!("{client:?}");
        assert!(debug.contains("tls: NativeTls"), "{debug}");
    }

    #[cfg(all(feature = "rustls", feature = "native-tls"))]
    #[test]
    fn the_last_backend_choice_wins() {
        let builder = || HttpClient::builder().no_proxy().use_native_tls();
        let client = builder().use_rustls().build().unwrap();
        assert_eq!(client.inner.tls, Backend::Rustls);
        let client = builder().tls_config(test_tls()).build().unwrap();
        assert_eq!(client.inner.tls, Backend::Rustls);
        let client = HttpClient::builder()
            .no_proxy()
            .tls_config(test_tls())
            .use_native_tls()
            .build()
            .unwrap();
        assert_eq!(client.inner.tls, Backend::NativeTls);
    }

    /// Sends an https request to a plain-TCP server and checks that it fails
    /// as a connection error (not a timeout, not a panic), after a
    /// ClientHello that offers `http/1.1` (and `h2` first with the `http2`
    /// feature) through ALPN; native-tls sends ALPN only with `http2`.
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    async fn https_to_plain_tcp(builder: HttpClientBuilder, backend_sends_alpn: bool) -> BoxError {
        // The ALPN protocol list as sent: each name after its length.
        #[cfg(feature = "http2")]
        const ALPN: &[u8] = b"\x02h2\x08http/1.1";
        #[cfg(not(feature = "http2"))]
        const ALPN: &[u8] = b"\x08http/1.1";
        let server = NotTls::start().await;
        let client = builder.no_proxy().build().unwrap();
        let err = client.oneshot(get(&server.https_url())).await.unwrap_err();
        let legacy = err
            .downcast_ref::<hyper_util::client::legacy::Error>()
            .unwrap();
        assert!(legacy.is_connect(), "{err:?}");
        assert!(find::<ConnectTimeout>(&*err).is_none(), "{err:?}");
        assert!(find::<error::Unsupported>(&*err).is_none(), "{err:?}");
        let hellos = server.hellos();
        assert_eq!(hellos.len(), 1);
        let offers = hellos[0].windows(ALPN.len()).any(|w| w == ALPN);
        let expected = cfg!(feature = "http2") || backend_sends_alpn;
        assert_eq!(offers, expected, "ALPN {ALPN:02x?} in {:02x?}", hellos[0]);
        let h2 = b"\x02h2";
        let offers_h2 = hellos[0].windows(h2.len()).any(|w| w == h2);
        assert_eq!(offers_h2, cfg!(feature = "http2"), "{:02x?}", hellos[0]);
        err
    }

    #[cfg(feature = "rustls")]
    #[tokio::test]
    async fn rustls_to_a_server_that_is_not_tls_fails_to_connect() {
        let err = https_to_plain_tcp(HttpClient::builder().tls_config(test_tls()), true).await;
        // hyper-rustls wraps the rustls error in `io::Error`s, whose
        // `source()` skips what they wrap: unwrap them by hand.
        let mut io = find::<std::io::Error>(&*err).unwrap();
        while let Some(inner) = io.get_ref().and_then(|e| e.downcast_ref()) {
            io = inner;
        }
        let tls = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>());
        assert!(tls.is_some(), "{err:?}");
        #[cfg(feature = "native-tls")]
        assert!(find::<native_tls::Error>(&*err).is_none(), "{err:?}");
    }

    /// With `http2`, a request asking for an upgrade (a WebSocket
    /// handshake) offers only `http/1.1` through ALPN, with either backend:
    /// the server must not pick h2, which cannot upgrade. Other requests
    /// still offer h2.
    #[cfg(all(feature = "http2", any(feature = "rustls", feature = "native-tls")))]
    #[tokio::test]
    async fn upgrade_requests_offer_only_http1() {
        let upgrade = |uri: &str| {
            http::Request::get(uri)
                .header(http::header::CONNECTION, "Upgrade")
                .header(http::header::UPGRADE, "websocket")
                .body(Body::empty())
                .unwrap()
        };
        let mut builders = Vec::new();
        #[cfg(feature = "rustls")]
        builders.push(("rustls", HttpClient::builder().tls_config(test_tls())));
        #[cfg(feature = "native-tls")]
        builders.push(("native-tls", HttpClient::builder().use_native_tls()));
        for (backend, builder) in builders {
            let server = NotTls::start().await;
            let client = builder.no_proxy().build().unwrap();
            let _ = client.clone().oneshot(upgrade(&server.https_url())).await;
            let _ = client.oneshot(get(&server.https_url())).await;
            let hellos = server.hellos();
            assert_eq!(hellos.len(), 2, "{backend}");
            let h2 = b"\x02h2";
            let offers_h2 = |hello: &[u8]| hello.windows(h2.len()).any(|w| w == h2);
            assert!(!offers_h2(&hellos[0]), "{backend}: {:02x?}", hellos[0]);
            assert!(offers_h2(&hellos[1]), "{backend}: {:02x?}", hellos[1]);
        }
    }

    #[cfg(feature = "native-tls")]
    #[tokio::test]
    async fn native_tls_to_a_server_that_is_not_tls_fails_to_connect() {
        let err = https_to_plain_tcp(HttpClient::builder().use_native_tls(), false).await;
        assert!(find::<native_tls::Error>(&*err).is_some(), "{err:?}");
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[tokio::test]
    async fn https_through_a_proxy_uses_connect() {
        assert_https_through_a_proxy_uses_connect(https_builder()).await;
    }

    #[cfg(all(feature = "rustls", feature = "native-tls"))]
    #[tokio::test]
    async fn https_through_a_proxy_uses_connect_with_native_tls() {
        let builder = HttpClient::builder().use_native_tls();
        assert_https_through_a_proxy_uses_connect(builder).await;
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    async fn assert_https_through_a_proxy_uses_connect(builder: HttpClientBuilder) {
        let proxy = Proxy::start(None).await;
        let client = builder
            .proxy_with_no_proxy(&proxy.url_with_auth("user", "secret"), "")
            .build()
            .unwrap();
        let request = client.oneshot(get("https://api.example.test/v1/models"));
        let (result, head) = tokio::join!(request, async {
            let head = proxy.head().await;
            proxy.close();
            head
        });
        let err = result.unwrap_err();
        assert!(
            head.starts_with("CONNECT api.example.test:443 HTTP/1.1\r\n"),
            "{head}"
        );
        let lower = head.to_ascii_lowercase();
        assert!(
            lower.contains("\r\nproxy-authorization: basic dxnlcjpzzwnyzxq=\r\n"),
            "{head}"
        );
        let legacy = err
            .downcast_ref::<hyper_util::client::legacy::Error>()
            .unwrap();
        assert!(legacy.is_connect(), "{err:?}");
        assert!(find::<ConnectTimeout>(&*err).is_none(), "{err:?}");
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[tokio::test(start_paused = true)]
    async fn a_silent_proxy_hits_the_connect_timeout() {
        let proxy = Proxy::start(None).await;
        let client = https_builder()
            .proxy_with_no_proxy(&proxy.url(), "")
            .build()
            .unwrap();
        let started = tokio::time::Instant::now();
        let err = client
            .oneshot(get("https://api.example.test/"))
            .await
            .unwrap_err();
        assert!(find::<ConnectTimeout>(&*err).is_some(), "{err:?}");
        assert_eq!(started.elapsed(), Duration::from_secs(5));
    }

    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    #[tokio::test]
    async fn https_without_a_tls_feature_fails_clearly() {
        let err = direct()
            .oneshot(get("https://127.0.0.1:1/"))
            .await
            .unwrap_err();
        let message = format!("{}", find::<error::Unsupported>(&*err).unwrap());
        assert!(
            message.contains("`rustls`") && message.contains("`native-tls`"),
            "{message}"
        );
    }
}
