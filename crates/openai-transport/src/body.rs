//! Request and response bodies that travel through the stack.
//!
//! [`Body`] is the request body. It is always replayable: the retry layer sends
//! it again on every attempt by cloning it. A body of bytes (every JSON call)
//! clones for a reference count, not a copy; a streamed body
//! ([`Body::from_source`], used for file uploads) clones into a fresh copy that
//! opens its [`BodySource`] again and streams it from the first byte.
//!
//! [`ResponseBody`] is the response body. Layers that buffer a body (the timeout
//! layer does so for non-streaming calls and for every error status) replace it
//! with [`ResponseBody::full`], so later code can look at the bytes with
//! [`ResponseBody::as_bytes`] without polling.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;

use crate::BoxError;
use crate::timeout::IdleTimeoutBody;

mod source;

pub use source::{BodySource, SourceStream};

use source::Streamed;

/// A replayable request body: empty, a single buffer of bytes, or a stream
/// read from a [`BodySource`] once per attempt.
#[derive(Default)]
pub struct Body {
    kind: BodyKind,
}

enum BodyKind {
    // The hot path: every JSON request. Empty once sent (or when empty): no
    // `Option`, so the null niche of `Bytes` tells the variants apart and a
    // body is as small as the bytes alone (32 bytes; a request is moved
    // through every layer and hyper's dispatch, so its size costs per call).
    Bytes(Bytes),
    // Boxed so that the bytes case stays small.
    Source(Box<Streamed>),
}

impl Body {
    /// An empty body.
    pub const fn empty() -> Self {
        Self {
            kind: BodyKind::Bytes(Bytes::new()),
        }
    }

    /// A body holding `bytes`.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self {
            kind: BodyKind::Bytes(bytes.into()),
        }
    }

    /// A streamed body read from `source`, which each attempt opens again.
    ///
    /// The body's size hint is the source's
    /// ([`BodySource::size_hint`]); when it is exact, the HTTP client sends it
    /// as `Content-Length`. Nothing is opened until the body is first polled.
    pub fn from_source(source: Arc<dyn BodySource>) -> Self {
        Self {
            kind: BodyKind::Source(Box::new(Streamed::new(source))),
        }
    }

    /// The bytes of the body, if any. Cheap: no copy. `None` for an empty or a
    /// streamed body.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.kind {
            BodyKind::Bytes(data) => (!data.is_empty()).then_some(data),
            BodyKind::Source(_) => None,
        }
    }

    /// A copy of this body for another attempt. Always `Some` today: a body of
    /// bytes shares them, a streamed body gives an unread copy over the same
    /// source. `None` would tell the retry layer that the request cannot be
    /// replayed.
    pub fn try_clone(&self) -> Option<Self> {
        Some(self.clone())
    }
}

impl Default for BodyKind {
    fn default() -> Self {
        Self::Bytes(Bytes::new())
    }
}

/// A copy of `req` with `body`, for another attempt or redirect hop: method,
/// URI, version, headers and extensions. (Layers that send a request again,
/// such as the client's workload identity, use it too.)
pub fn copy_request(req: &crate::HttpRequest, body: Body) -> crate::HttpRequest {
    let mut copy = http::Request::new(body);
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.version_mut() = req.version();
    // The layers that keep copies sit above those that add headers, so most
    // requests carry none here, and an empty map is cheaper made than copied.
    if !req.headers().is_empty() {
        *copy.headers_mut() = req.headers().clone();
    }
    *copy.extensions_mut() = req.extensions().clone();
    copy
}

impl Clone for Body {
    /// A body of bytes shares them (as they are now: a polled body is empty);
    /// a streamed body gives a fresh copy that starts from the first byte.
    fn clone(&self) -> Self {
        let kind = match &self.kind {
            BodyKind::Bytes(data) => BodyKind::Bytes(data.clone()),
            BodyKind::Source(s) => BodyKind::Source(Box::new(s.replay())),
        };
        Self { kind }
    }
}

impl fmt::Debug for Body {
    // Bodies may hold secrets or megabytes of data: print the size only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BodyKind::Bytes(data) => f.debug_struct("Body").field("len", &data.len()).finish(),
            BodyKind::Source(s) => f.debug_tuple("Body").field(s).finish(),
        }
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<String> for Body {
    fn from(s: String) -> Self {
        Self::from_bytes(s)
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Self {
        Self::from_bytes(Bytes::from_static(s.as_bytes()))
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.kind {
            BodyKind::Bytes(data) if data.is_empty() => Poll::Ready(None),
            BodyKind::Bytes(data) => Poll::Ready(Some(Ok(Frame::data(std::mem::take(data))))),
            BodyKind::Source(s) => s.poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            BodyKind::Bytes(data) => data.is_empty(),
            BodyKind::Source(s) => s.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            BodyKind::Bytes(data) => SizeHint::with_exact(data.len() as u64),
            BodyKind::Source(s) => s.size_hint(),
        }
    }
}

/// A response body: either fully buffered or a stream of frames.
pub struct ResponseBody {
    kind: Kind,
}

enum Kind {
    Full(Option<Bytes>),
    // The two bodies every streamed response is made of, held without the
    // boxing and error mapping of `Streaming`, which costs per frame.
    Incoming(hyper::body::Incoming),
    Idle(Pin<Box<IdleTimeoutBody>>),
    Streaming(BoxBody<Bytes, BoxError>),
}

impl ResponseBody {
    /// An empty body.
    pub const fn empty() -> Self {
        Self {
            kind: Kind::Full(None),
        }
    }

    /// A fully buffered body.
    pub fn full(bytes: impl Into<Bytes>) -> Self {
        Self {
            kind: Kind::Full(Some(bytes.into())),
        }
    }

    /// Wraps any body whose errors convert into [`BoxError`].
    pub fn new<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        Self {
            kind: Kind::Streaming(body.map_err(Into::into).boxed()),
        }
    }

    /// A body with an idle timeout.
    pub(crate) fn idle(body: IdleTimeoutBody) -> Self {
        Self {
            kind: Kind::Idle(Box::pin(body)),
        }
    }

    /// The bytes when the body is buffered, `None` when it is still a stream.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            Kind::Full(Some(b)) => Some(b),
            Kind::Full(None) => Some(&[]),
            Kind::Incoming(_) | Kind::Idle(_) | Kind::Streaming(_) => None,
        }
    }

    /// The bytes of a buffered body, without a copy; `None` for a stream.
    pub fn into_bytes(self) -> Option<Bytes> {
        match self.kind {
            Kind::Full(b) => Some(b.unwrap_or_default()),
            Kind::Incoming(_) | Kind::Idle(_) | Kind::Streaming(_) => None,
        }
    }

    /// Whether the body is fully buffered.
    pub fn is_buffered(&self) -> bool {
        matches!(self.kind, Kind::Full(_))
    }
}

impl Default for ResponseBody {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Full(b) => f
                .debug_struct("ResponseBody")
                .field("buffered_len", &b.as_ref().map_or(0, Bytes::len))
                .finish(),
            Kind::Incoming(_) | Kind::Idle(_) | Kind::Streaming(_) => f
                .debug_struct("ResponseBody")
                .field("streaming", &true)
                .finish(),
        }
    }
}

impl From<Bytes> for ResponseBody {
    fn from(bytes: Bytes) -> Self {
        Self::full(bytes)
    }
}

impl From<hyper::body::Incoming> for ResponseBody {
    fn from(body: hyper::body::Incoming) -> Self {
        Self {
            kind: Kind::Incoming(body),
        }
    }
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.kind {
            Kind::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Kind::Incoming(body) => Pin::new(body)
                .poll_frame(cx)
                .map(|frame| frame.map(|f| f.map_err(Into::into))),
            Kind::Idle(body) => body.as_mut().poll_frame(cx),
            Kind::Streaming(body) => Pin::new(body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(b) => b.is_none(),
            Kind::Incoming(body) => body.is_end_stream(),
            Kind::Idle(body) => body.is_end_stream(),
            Kind::Streaming(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Incoming(body) => body.size_hint(),
            Kind::Idle(body) => body.size_hint(),
            Kind::Streaming(body) => body.size_hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[test]
    fn a_body_is_no_larger_than_its_bytes() {
        // Requests move through every layer and hyper's dispatch by value.
        assert_eq!(std::mem::size_of::<Body>(), std::mem::size_of::<Bytes>());
    }

    #[test]
    fn an_empty_body_is_at_its_end() {
        for body in [Body::empty(), Body::from_bytes(Vec::new()), Body::default()] {
            assert!(http_body::Body::is_end_stream(&body));
            assert!(body.as_bytes().is_none());
            assert_eq!(http_body::Body::size_hint(&body).exact(), Some(0));
        }
    }

    #[tokio::test]
    async fn body_is_replayable() {
        let body = Body::from("hello");
        let copy = body.try_clone().unwrap();
        assert_eq!(body.collect().await.unwrap().to_bytes(), "hello");
        assert_eq!(copy.collect().await.unwrap().to_bytes(), "hello");
    }

    #[tokio::test]
    async fn empty_body_ends_at_once() {
        let body = Body::from_bytes(Vec::new());
        assert!(http_body::Body::is_end_stream(&body));
        assert!(body.collect().await.unwrap().to_bytes().is_empty());
    }

    #[test]
    fn buffered_response_body_is_visible() {
        let body = ResponseBody::full("abc");
        assert_eq!(body.as_bytes(), Some(&b"abc"[..]));
        let streaming = ResponseBody::new(http_body_util::Full::new(Bytes::from_static(b"x")));
        assert!(streaming.as_bytes().is_none());
        assert!(streaming.into_bytes().is_none());
        assert_eq!(body.into_bytes(), Some(Bytes::from_static(b"abc")));
        assert_eq!(ResponseBody::empty().into_bytes(), Some(Bytes::new()));
    }
}
