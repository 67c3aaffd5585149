//! Raw responses: status, headers and request id first, the body decoded
//! on demand.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{HeaderMap, StatusCode};
use openai_transport::HttpResponse;
use openai_transport::request_id::request_id;
use openai_transport::retry::RetriesTaken;
use pin_project::pin_project;

use super::Request;
use super::future::{Finish, SendFuture};
use crate::error::Error;

/// A [`Request`] that returns a [`RawResponse`].
#[must_use = "requests do nothing unless awaited"]
#[derive(Debug)]
pub struct RawRequest<T>(pub(super) Request<T>);

impl<T: 'static> IntoFuture for RawRequest<T> {
    type Output = Result<RawResponse<T>, Error>;
    type IntoFuture = RawResponseFuture<T>;

    fn into_future(self) -> RawResponseFuture<T> {
        let finish = self.0.finish();
        RawResponseFuture {
            inner: self.0.send(true),
            finish: Some(finish),
        }
    }
}

/// The future of an awaited [`RawRequest`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct RawResponseFuture<T> {
    #[pin]
    inner: SendFuture,
    finish: Option<Finish<T>>,
}

impl<T> Future for RawResponseFuture<T> {
    type Output = Result<RawResponse<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let resp = ready!(this.inner.poll(cx))?;
        let finish = this.finish.take().expect("polled after completion");
        Poll::Ready(Ok(RawResponse { resp, finish }))
    }
}

impl<T> fmt::Debug for RawResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponseFuture").finish_non_exhaustive()
    }
}

/// A response before decoding: status, headers, and the body on demand.
pub struct RawResponse<T> {
    resp: HttpResponse,
    finish: Finish<T>,
}

impl<T> RawResponse<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.resp.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.resp.headers()
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.resp)
    }

    /// How many retries the call took.
    pub fn retries_taken(&self) -> u32 {
        RetriesTaken::of(&self.resp)
    }

    /// The body, when it was read whole (every non-streaming call).
    pub fn bytes(&self) -> Option<&[u8]> {
        self.resp.body().as_bytes()
    }

    /// The body as text, when it was read whole.
    pub fn text(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.bytes().map(String::from_utf8_lossy)
    }

    /// Decodes the body as the call would have.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body is not what the endpoint promises.
    pub fn parse(self) -> Result<T, Error> {
        self.finish.apply(self.resp)
    }
}

impl<T> fmt::Debug for RawResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status())
            .field("request_id", &self.request_id())
            .field("retries_taken", &self.retries_taken())
            .finish_non_exhaustive()
    }
}
