//! Captures the server's `x-request-id`.
//!
//! [`CaptureRequestId`] records the response's `x-request-id` on the current
//! span and in the debug log, so logs of a failed call can be matched with
//! OpenAI's support records. The id stays in the response's header, where
//! [`request_id`] reads it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project::pin_project;
use tower::{Layer, Service};

use crate::headers::X_REQUEST_ID;
use crate::{BoxError, HttpRequest, HttpResponse};

/// The server's request id of `resp` (`x-request-id`), when it is visible ASCII.
pub fn request_id<B>(resp: &http::Response<B>) -> Option<&str> {
    resp.headers()
        .get(X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
}

/// Layer adding [`CaptureRequestId`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CaptureRequestIdLayer;

impl CaptureRequestIdLayer {
    /// A new layer.
    pub const fn new() -> Self {
        Self
    }
}

impl<S> Layer<S> for CaptureRequestIdLayer {
    type Service = CaptureRequestId<S>;

    fn layer(&self, inner: S) -> CaptureRequestId<S> {
        CaptureRequestId { inner }
    }
}

/// Records `x-request-id` on the current span.
#[derive(Debug, Clone)]
pub struct CaptureRequestId<S> {
    inner: S,
}

impl<S> CaptureRequestId<S> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Consumes the layer, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Service<HttpRequest> for CaptureRequestId<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: HttpRequest) -> Self::Future {
        ResponseFuture {
            inner: self.inner.call(req),
        }
    }
}

/// Response future of [`CaptureRequestId`].
#[pin_project]
#[derive(Debug)]
pub struct ResponseFuture<F> {
    #[pin]
    inner: F,
}

impl<F> Future for ResponseFuture<F>
where
    F: Future<Output = Result<HttpResponse, BoxError>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let resp = ready!(self.project().inner.poll(cx))?;
        // Recorded only: the id stays in the response's header, where
        // `request_id` finds it, so no extension is allocated for it.
        if let Some(id) = request_id(&resp) {
            tracing::Span::current().record("request_id", id);
            tracing::debug!("request_id: {id}");
        }
        Poll::Ready(Ok(resp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Body, ResponseBody};
    use tower::ServiceExt;

    #[tokio::test]
    async fn the_id_is_read_from_the_header() {
        let svc =
            CaptureRequestIdLayer::new().layer(tower::service_fn(|_req: HttpRequest| async {
                Ok::<_, BoxError>(
                    http::Response::builder()
                        .header("x-request-id", "req_123")
                        .body(ResponseBody::empty())
                        .unwrap(),
                )
            }));
        let req = http::Request::get("http://x/").body(Body::empty()).unwrap();
        let resp = svc.oneshot(req).await.unwrap();
        assert_eq!(request_id(&resp), Some("req_123"));
        let odd = http::Response::builder()
            .header(
                "x-request-id",
                http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
            )
            .body(())
            .unwrap();
        assert_eq!(request_id(&odd), None);
    }
}
