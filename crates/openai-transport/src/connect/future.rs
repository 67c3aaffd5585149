//! The future [`HttpClient`](super::HttpClient) returns.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use hyper_util::client::legacy;
use pin_project::pin_project;

use crate::{BoxError, HttpResponse, ResponseBody};

/// Response future of [`HttpClient`](super::HttpClient).
///
/// Resolves once the response head has arrived; the body streams afterwards
/// through [`ResponseBody`]. Dropping it cancels the request.
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture {
    #[pin]
    inner: legacy::ResponseFuture,
}

impl ResponseFuture {
    pub(super) fn new(inner: legacy::ResponseFuture) -> Self {
        Self { inner }
    }
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl Future for ResponseFuture {
    type Output = Result<HttpResponse, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let res = ready!(self.project().inner.poll(cx));
        // hyper-util's error stays on top of the chain: its `is_connect()` and
        // `source()` (down to `ConnectTimeout`) are what the client inspects.
        Poll::Ready(match res {
            Ok(response) => Ok(response.map(ResponseBody::from)),
            Err(err) => Err(Box::new(err)),
        })
    }
}
