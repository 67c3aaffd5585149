//! The outermost connector: scheme checks and the connect timeout.
//!
//! The pooled client calls this once per new connection. It refuses what no
//! server could fix (a scheme it does not speak, https without TLS) before
//! touching the network, then runs everything below it (DNS, TCP, the proxy
//! handshake, TLS) under one deadline. That matches httpx, where the connect
//! timeout covers both the TCP connect and the TLS handshake.
//!
//! The deadline is `tokio::time::timeout`, so paused-clock tests control it,
//! and it fails with [`ConnectTimeout`] rather than an `io::Error`, so the
//! client can tell "timed out" from "refused" by walking `source()`.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use http::uri::Scheme;
use tower::{Service, ServiceExt};

use super::error::{ConnectTimeout, Unsupported};
use crate::BoxError;

/// The connector future. Boxed: hyper-util requires an `Unpin` future and
/// it is polled once per new connection, not per request.
pub(crate) type Connecting<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

/// Wraps the connector chain with the scheme checks and the connect timeout.
#[derive(Clone, Debug)]
pub(crate) struct Connector<C> {
    inner: C,
    timeout: Option<Duration>,
    /// `Err(reason)` when https targets cannot be served.
    https: Result<(), &'static str>,
}

impl<C> Connector<C> {
    pub(crate) fn new(
        inner: C,
        timeout: Option<Duration>,
        https: Result<(), &'static str>,
    ) -> Self {
        Self {
            inner,
            timeout,
            https,
        }
    }

    fn check(&self, dst: &Uri) -> Result<(), Unsupported> {
        match dst.scheme() {
            Some(s) if *s == Scheme::HTTP => Ok(()),
            Some(s) if *s == Scheme::HTTPS => self.https.map_err(Unsupported),
            _ => Err(Unsupported(
                "unsupported URL scheme: only http and https are supported",
            )),
        }
    }
}

impl<C> Service<Uri> for Connector<C>
where
    C: Service<Uri> + Clone + Send + 'static,
    C::Response: Send + 'static,
    C::Error: Into<BoxError>,
    C::Future: Send + 'static,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Connecting<C::Response>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // NOTE: the inner connector's readiness is awaited inside the future
        // (`oneshot`), so the connect timeout covers it too.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        if let Err(err) = self.check(&dst) {
            return Box::pin(std::future::ready(Err(err.into())));
        }
        let connecting = self.inner.clone().oneshot(dst);
        match self.timeout {
            Some(limit) => Box::pin(async move {
                match tokio::time::timeout(limit, connecting).await {
                    Ok(res) => res.map_err(Into::into),
                    Err(_elapsed) => {
                        tracing::debug!(?limit, "connect timed out");
                        Err(ConnectTimeout::new().into())
                    }
                }
            }),
            None => Box::pin(async move { connecting.await.map_err(Into::into) }),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::time::Instant;

    use super::*;

    /// A connector whose `poll_ready` never completes.
    #[derive(Clone)]
    struct NeverReady;

    impl Service<Uri> for NeverReady {
        type Response = ();
        type Error = BoxError;
        type Future = std::future::Ready<Result<(), BoxError>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            Poll::Pending
        }

        fn call(&mut self, _dst: Uri) -> Self::Future {
            unreachable!("never ready")
        }
    }

    fn never_connects() -> impl Service<Uri, Response = (), Error = BoxError, Future: Send> + Clone
    {
        tower::service_fn(|_dst: Uri| std::future::pending::<Result<(), BoxError>>())
    }

    fn counting(
        calls: Arc<AtomicUsize>,
    ) -> impl Service<Uri, Response = (), Error = BoxError, Future: Send> + Clone {
        tower::service_fn(move |_dst: Uri| {
            calls.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok::<_, BoxError>(()))
        })
    }

    fn uri(s: &'static str) -> Uri {
        Uri::from_static(s)
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_when_the_connector_never_becomes_ready() {
        let started = Instant::now();
        let mut connector = Connector::new(NeverReady, Some(Duration::from_secs(5)), Ok(()));
        let err = connector.call(uri("http://127.0.0.1/")).await.unwrap_err();
        assert!(err.downcast_ref::<ConnectTimeout>().is_some(), "{err:?}");
        assert_eq!(started.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_when_connecting_never_finishes() {
        let started = Instant::now();
        let mut connector = Connector::new(never_connects(), Some(Duration::from_secs(2)), Ok(()));
        let err = connector.call(uri("https://127.0.0.1/")).await.unwrap_err();
        assert!(err.downcast_ref::<ConnectTimeout>().is_some(), "{err:?}");
        assert_eq!(started.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn no_timeout_waits_as_long_as_it_takes() {
        let mut connector = Connector::new(never_connects(), None, Ok(()));
        let connecting = connector.call(uri("http://127.0.0.1/"));
        let outer = tokio::time::timeout(Duration::from_secs(24 * 3600), connecting).await;
        assert!(outer.is_err(), "the connector gave up on its own");
    }

    #[tokio::test]
    async fn succeeds_within_the_timeout() {
        let calls = Arc::new(AtomicUsize::new(0));
        let mut connector = Connector::new(
            counting(calls.clone()),
            Some(Duration::from_secs(5)),
            Ok(()),
        );
        connector.call(uri("http://127.0.0.1/")).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn refuses_https_without_tls_before_connecting() {
        let calls = Arc::new(AtomicUsize::new(0));
        let reason = "https is not available: no TLS";
        let mut connector = Connector::new(counting(calls.clone()), None, Err(reason));
        let err = connector.call(uri("https://127.0.0.1/")).await.unwrap_err();
        assert_eq!(err.to_string(), reason);
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        // Plain http still works.
        connector.call(uri("http://127.0.0.1/")).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn refuses_other_schemes() {
        let calls = Arc::new(AtomicUsize::new(0));
        let mut connector = Connector::new(counting(calls.clone()), None, Ok(()));
        let err = connector.call(uri("ftp://127.0.0.1/")).await.unwrap_err();
        assert!(err.downcast_ref::<Unsupported>().is_some(), "{err:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }
}
