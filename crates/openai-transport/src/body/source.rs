//! Streamed request bodies that can be sent again: [`BodySource`].
//!
//! A [`Body`](super::Body) made with [`Body::from_source`](super::Body::from_source)
//! holds a shared source, not bytes. Each copy of the body (every retry, every
//! 307/308 redirect hop) opens the source again when it is first polled and
//! streams it from its first byte, so a large upload is never held in memory
//! and is never sent half-read.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

use crate::BoxError;

/// One pass over a [`BodySource`]: the frames of the whole body, in order.
pub type SourceStream =
    Pin<Box<dyn http_body::Body<Data = Bytes, Error = BoxError> + Send + 'static>>;

/// Where a streamed, replayable request body comes from.
///
/// [`open`](BodySource::open) is called once per attempt, when the HTTP client
/// first polls that attempt's body, and must return a stream over the whole
/// body from its first byte. A copy of the body that is never sent (the retry
/// layer's template) opens nothing.
///
/// A stream error fails the attempt like a broken connection: the retry layer
/// retries it, up to the request's retry limit, unless the error is wrapped in
/// [`Permanent`](crate::error::Permanent) (right for errors another pass cannot
/// fix, such as a file that is gone). With HTTP/2 the error may reach the
/// caller as a reset stream instead of the source's error.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// use bytes::Bytes;
/// use http_body::SizeHint;
/// use http_body_util::BodyExt;
/// use openai_transport::body::{BodySource, SourceStream};
/// use openai_transport::{Body, BoxError};
///
/// struct Repeat(Bytes);
///
/// impl BodySource for Repeat {
///     fn open(&self) -> SourceStream {
///         let full = http_body_util::Full::new(self.0.clone());
///         Box::pin(full.map_err(|never| -> BoxError { match never {} }))
///     }
///
///     fn size_hint(&self) -> SizeHint {
///         SizeHint::with_exact(self.0.len() as u64)
///     }
/// }
///
/// let body = Body::from_source(Arc::new(Repeat(Bytes::from_static(b"abc"))));
/// assert_eq!(http_body::Body::size_hint(&body).exact(), Some(3));
/// ```
pub trait BodySource: Send + Sync + 'static {
    /// A new stream over the whole body, from its first byte.
    ///
    /// When [`size_hint`](BodySource::size_hint) is exact, the stream must
    /// yield exactly that many bytes: the HTTP client sends it as
    /// `Content-Length` and fails the request on a mismatch.
    fn open(&self) -> SourceStream;

    /// The length of the whole body. Exact when known, which lets the request
    /// carry `Content-Length` instead of chunked encoding. Default: unknown.
    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// One copy of a source body: the shared source and, once polled, its stream.
pub(super) struct Streamed {
    source: Arc<dyn BodySource>,
    /// The source's length, read once when the body was made.
    hint: SizeHint,
    /// `None` until the first poll and again once the stream has ended.
    // NOTE: the `Mutex` is only there to make `Body` `Sync` (the stream need
    // only be `Send`). It is never locked: polling goes through `get_mut`.
    stream: Option<Mutex<SourceStream>>,
    /// Data bytes yielded so far, for the remaining size hint.
    sent: u64,
    done: bool,
}

impl Streamed {
    pub(super) fn new(source: Arc<dyn BodySource>) -> Self {
        let hint = source.size_hint();
        Self {
            source,
            hint,
            stream: None,
            sent: 0,
            done: false,
        }
    }

    /// A fresh, unopened copy over the same source.
    pub(super) fn replay(&self) -> Self {
        Self {
            source: Arc::clone(&self.source),
            hint: self.hint,
            stream: None,
            sent: 0,
            done: false,
        }
    }

    pub(super) fn poll_frame(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        let stream = self
            .stream
            .get_or_insert_with(|| Mutex::new(self.source.open()))
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        let item = ready!(stream.as_mut().poll_frame(cx));
        match &item {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    self.sent = self.sent.saturating_add(data.len() as u64);
                }
            }
            // Ended or failed: release the stream (and its file) at once.
            Some(Err(_)) | None => {
                self.done = true;
                self.stream = None;
            }
        }
        Poll::Ready(item)
    }

    pub(super) fn is_end_stream(&self) -> bool {
        self.done
    }

    /// What is left to send: the source's length minus what was sent.
    pub(super) fn size_hint(&self) -> SizeHint {
        if self.done {
            return SizeHint::with_exact(0);
        }
        let mut hint = SizeHint::new();
        hint.set_lower(self.hint.lower().saturating_sub(self.sent));
        if let Some(upper) = self.hint.upper() {
            hint.set_upper(upper.saturating_sub(self.sent));
        }
        hint
    }
}

impl fmt::Debug for Streamed {
    // The source may be anything; its length is what a log needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Streamed")
            .field("len", &self.hint.exact())
            .field("sent", &self.sent)
            .field("opened", &self.stream.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests;
