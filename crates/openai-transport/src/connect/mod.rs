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
//!          └ HttpsConnector   TLS + ALPN for https targets (hyper-rustls, `rustls` feature)
//!             └ ProxyConnector   direct | TCP to a forward proxy | CONNECT tunnel
//!                └ HttpConnector   DNS + TCP
//! ```
//!
//! Everything is decided once, in [`HttpClientBuilder::build`]: the proxy
//! environment variables are read then (through hyper-util's `Matcher`, which
//! follows curl's rules), and so are the root certificates. Nothing here has a
//! process-wide effect: the rustls configuration carries its own `ring`
//! provider instead of installing a default one.
//!
//! Proxies: `http://` proxies only, for http targets as a forward proxy and
//! for https targets through a `CONNECT` tunnel. A SOCKS or `https://` proxy
//! found in the environment fails each request it applies to (it is never
//! skipped silently); one given to [`HttpClientBuilder::proxy`] fails `build`.
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
mod proxy;
#[cfg(feature = "rustls")]
mod tls;

#[cfg(test)]
mod test_support;

pub use self::builder::HttpClientBuilder;
pub(crate) use self::error::Unsupported;
pub use self::error::{ConfigError, ConnectTimeout};

/// The connector chain below [`connector::Connector`].
#[cfg(feature = "rustls")]
type Transport = hyper_rustls::HttpsConnector<proxy::ProxyConnector>;
#[cfg(not(feature = "rustls"))]
type Transport = proxy::ProxyConnector;

/// Pooled HTTP/1.1 and HTTP/2 client: TLS (rustls), proxies, connect timeout.
///
/// Cloning is cheap and every clone shares one connection pool. Build one
/// with [`HttpClient::builder`].
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client<connector::Connector<Transport>, Body>,
    proxies: proxy::Proxies,
    connect_timeout: Option<Duration>,
}

impl HttpClient {
    /// A builder with the defaults: connect timeout 5 s, proxies from the
    /// environment, idle connections kept 90 s, at most 100 per host.
    pub fn builder() -> HttpClientBuilder {
        HttpClientBuilder::new()
    }

    fn from_parts(
        client: Client<connector::Connector<Transport>, Body>,
        proxies: proxy::Proxies,
        connect_timeout: Option<Duration>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                client,
                proxies,
                connect_timeout,
            }),
        }
    }
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("proxies", &self.inner.proxies)
            .field("connect_timeout", &self.inner.connect_timeout)
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
        future::ResponseFuture::new(self.inner.client.request(request))
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use tower::ServiceExt;

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

    #[cfg(feature = "rustls")]
    #[tokio::test]
    async fn https_through_a_proxy_uses_connect() {
        let proxy = Proxy::start(None).await;
        let client = HttpClient::builder()
            .proxy_with_no_proxy(&proxy.url_with_auth("user", "secret"), "")
            .tls_config(test_tls())
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

    #[cfg(feature = "rustls")]
    #[tokio::test(start_paused = true)]
    async fn a_silent_proxy_hits_the_connect_timeout() {
        let proxy = Proxy::start(None).await;
        let client = HttpClient::builder()
            .proxy_with_no_proxy(&proxy.url(), "")
            .tls_config(test_tls())
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

    #[cfg(not(feature = "rustls"))]
    #[tokio::test]
    async fn https_without_the_rustls_feature_fails_clearly() {
        let err = direct()
            .oneshot(get("https://127.0.0.1:1/"))
            .await
            .unwrap_err();
        let message = format!("{}", find::<error::Unsupported>(&*err).unwrap());
        assert!(message.contains("`rustls` feature"), "{message}");
    }
}
