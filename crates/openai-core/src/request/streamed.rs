//! Streamed responses: status, headers and request id as soon as they
//! arrive, the body read on demand, never buffered by the client.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use openai_transport::retry::RetriesTaken;
use openai_transport::timeout::ResponseMode;
use pin_project::pin_project;
use serde::de::DeserializeOwned;

use super::Request;
use super::future::{Finish, SendFuture};
use crate::binary::Binary;
use crate::error::Error;
use crate::lines::Lines;

/// A [`Request`] that returns a [`StreamedResponse`]: see
/// [`Request::with_streaming_response`].
#[must_use = "requests do nothing unless awaited"]
#[derive(Debug)]
pub struct StreamingRequest<T>(pub(super) Request<T>);

impl<T: 'static> IntoFuture for StreamingRequest<T> {
    type Output = Result<StreamedResponse<T>, Error>;
    type IntoFuture = StreamedResponseFuture<T>;

    fn into_future(self) -> StreamedResponseFuture<T> {
        let finish = self.0.finish();
        // What the call reads whole is parsed from the whole body; what it
        // streams (SSE, downloads) is parsed as it comes.
        let buffered = self
            .0
            .prepared
            .as_ref()
            .is_ok_and(|p| p.mode == ResponseMode::Buffered);
        StreamedResponseFuture {
            inner: self.0.send_with(super::Marker::Stream),
            finish: Some(finish),
            buffered,
        }
    }
}

/// The future of an awaited [`StreamingRequest`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct StreamedResponseFuture<T> {
    #[pin]
    inner: SendFuture,
    finish: Option<Finish<T>>,
    buffered: bool,
}

impl<T> Future for StreamedResponseFuture<T> {
    type Output = Result<StreamedResponse<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let resp = ready!(this.inner.poll(cx))?;
        let finish = this.finish.take().expect("polled after completion");
        let retries_taken = RetriesTaken::of(&resp);
        Poll::Ready(Ok(StreamedResponse {
            body: Binary::new(resp),
            finish,
            buffered: *this.buffered,
            retries_taken,
        }))
    }
}

impl<T> fmt::Debug for StreamedResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamedResponseFuture")
            .finish_non_exhaustive()
    }
}

/// A response whose status and headers have arrived and whose body has not
/// been read (Python's `with_streaming_response`).
///
/// Read the body once, in the form you need: whole with
/// [`bytes`](Self::bytes), [`text`](Self::text), [`json`](Self::json) or
/// [`parse`](Self::parse) (what the call would have returned); as it
/// arrives with [`lines`](Self::lines) or as a `futures::Stream` of
/// [`Bytes`] chunks (this type is one); or to a file with
/// [`write_to`](Self::write_to). Each consumes the response, so a body
/// cannot be read twice. The body is under the client's idle timeout, and
/// dropping the response closes the connection.
pub struct StreamedResponse<T> {
    body: Binary,
    finish: Finish<T>,
    buffered: bool,
    retries_taken: u32,
}

impl<T> StreamedResponse<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.body.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.body.headers()
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.body.request_id()
    }

    /// How many retries the call took.
    pub fn retries_taken(&self) -> u32 {
        self.retries_taken
    }

    /// Reads the whole body.
    ///
    /// # Errors
    ///
    /// [`Error::Connection`] when the connection breaks, [`Error::Timeout`]
    /// when it stalls.
    pub async fn bytes(self) -> Result<Bytes, Error> {
        self.body.bytes().await
    }

    /// Reads the whole body as text (bytes that are not UTF-8 become
    /// U+FFFD).
    ///
    /// # Errors
    ///
    /// As [`bytes`](Self::bytes).
    pub async fn text(self) -> Result<String, Error> {
        self.body.text().await
    }

    /// Reads the whole body as JSON into `U` (often `serde_json::Value`).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body is not `U`, and those of
    /// [`bytes`](Self::bytes).
    pub async fn json<U: DeserializeOwned>(self) -> Result<U, Error> {
        self.body.json().await
    }

    /// The body as a stream of text lines, split on `\n`, `\r\n` and `\r`
    /// as they arrive ([`Lines`]).
    pub fn lines(self) -> Lines<Binary> {
        self.body.lines()
    }

    /// Streams the body into the file at `path`; returns the bytes written.
    ///
    /// # Errors
    ///
    /// As [`Binary::write_to`].
    pub async fn write_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        self.body.write_to(path).await
    }

    /// The body as a [`Binary`] (the download type).
    pub fn into_binary(self) -> Binary {
        self.body
    }

    /// What the call would have returned: a JSON call's value is parsed
    /// from the whole body (read now); a stream or a download is handed
    /// over unread.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body is not what the endpoint promises,
    /// and those of [`bytes`](Self::bytes).
    pub async fn parse(self) -> Result<T, Error> {
        let resp = if self.buffered {
            self.body.into_buffered_response().await?
        } else {
            self.body.into_response()
        };
        self.finish.apply(resp)
    }
}

impl<T> futures_core::Stream for StreamedResponse<T> {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // `Binary` and the other fields are `Unpin`.
        Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}

impl<T> fmt::Debug for StreamedResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamedResponse")
            .field("status", &self.status())
            .field("request_id", &self.request_id())
            .field("retries_taken", &self.retries_taken)
            .finish_non_exhaustive()
    }
}
