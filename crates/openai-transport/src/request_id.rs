//! Captures the server's `x-request-id`.
//!
//! [`CaptureRequestId`] records the response's `x-request-id` on the current
//! span and in the debug log, so logs of a failed call can be matched with
//! OpenAI's support records. The id stays in the response's header, where
//! [`RequestId::of`] reads it; a layer that learns the id some other way (a
//! gateway that reports it under another header) can attach a [`RequestId`]
//! extension, which `of` prefers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::HeaderValue;
use pin_project::pin_project;
use tower::{Layer, Service};

use crate::headers::X_REQUEST_ID;
use crate::{BoxError, HttpRequest, HttpResponse};

/// Response extension: the server's request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(
    // The header's value, shared rather than copied; only values that are
    // visible ASCII (`to_str` succeeds) are kept.
    HeaderValue,
);

impl RequestId {
    /// An id from a header value; `None` unless the value is visible ASCII.
    pub fn new(value: HeaderValue) -> Option<Self> {
        value.to_str().is_ok().then_some(Self(value))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }

    /// The id of `resp`, from its extension or its header.
    pub fn of<B>(resp: &http::Response<B>) -> Option<&str> {
        resp.extensions()
            .get::<RequestId>()
            .map(RequestId::as_str)
            .or_else(|| {
                resp.headers()
                    .get(X_REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
            })
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
        let id = resp
            .headers()
            .get(X_REQUEST_ID)
            .and_then(|v| v.to_str().ok());
        // Recorded only: the id stays in the response's header, where
        // `RequestId::of` finds it, so no extension is allocated for it.
        if let Some(id) = id {
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

    fn response(id: &'static str) -> HttpResponse {
        http::Response::builder()
            .header("x-request-id", id)
            .body(ResponseBody::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn the_id_is_read_from_the_header_or_an_extension() {
        let svc =
            CaptureRequestIdLayer::new().layer(tower::service_fn(|_req: HttpRequest| async {
                Ok::<_, BoxError>(response("req_123"))
            }));
        let req = http::Request::get("http://x/").body(Body::empty()).unwrap();
        let resp = svc.oneshot(req).await.unwrap();
        assert_eq!(RequestId::of(&resp), Some("req_123"));
        let mut resp = response("req_header");
        let id = RequestId::new(HeaderValue::from_static("req_ext")).unwrap();
        resp.extensions_mut().insert(id);
        assert_eq!(RequestId::of(&resp), Some("req_ext"), "the extension wins");
        assert!(RequestId::new(HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap()).is_none());
    }
}
