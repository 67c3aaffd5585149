//! Response decompression: `Accept-Encoding` on the way out, decoded bodies on
//! the way back.
//!
//! [`Decompress`] asks for compressed bodies the way the official SDK's HTTP
//! library does (`reference/client.md` section 2.1): `Accept-Encoding:
//! gzip, deflate`, plus `br` and `zstd` when the `brotli` and `zstd` features
//! are on. A request that already carries `Accept-Encoding` keeps it, so
//! `Accept-Encoding: identity` in the default headers turns compression off.
//!
//! The decoding is tower-http's [`Decompression`]: the body is decoded as it
//! streams, frame by frame, so SSE streams stay incremental, and the layers
//! above count and cap the *decoded* bytes (the timeout layer's
//! [`max_body_size`](crate::timeout::TimeoutLayer::max_body_size)): a small
//! gzip bomb ends in [`BodyTooLarge`](crate::error::BodyTooLarge), not in
//! gigabytes of memory. A decoded response loses its `Content-Encoding` and
//! `Content-Length` headers, which described the bytes on the wire.
//!
//! Failures are typed: a body that is not valid for its encoding fails with
//! [`InvalidEncoding`], a `Content-Encoding` this build cannot decode with
//! [`UnsupportedEncoding`]. Neither is retried: the same server sends the same
//! bytes again. (The Python SDK retries a decoding error as a connection
//! error; here it is reported at once as what it is.) Errors of the body
//! underneath (a cut connection, a stalled stream) come out unchanged.
//!
//! Responses without `Content-Encoding` (or with `identity`) pass through with
//! their own body: no decoder, no allocation.

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::HeaderValue;
use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use http_body_util::BodyExt;
use pin_project::pin_project;
use tower::{Layer, Service, ServiceExt};
use tower_http::decompression::{Decompression, DecompressionBody};

use crate::{BoxError, HttpRequest, HttpResponse, ResponseBody};

/// The `Accept-Encoding` value sent when the request has none: the encodings
/// this build decodes, in the order of the reference's HTTP library.
pub const ACCEPT_ENCODING_VALUE: &str = accept_encoding();

const fn accept_encoding() -> &'static str {
    match (cfg!(feature = "brotli"), cfg!(feature = "zstd")) {
        (false, false) => "gzip, deflate",
        (true, false) => "gzip, deflate, br",
        (false, true) => "gzip, deflate, zstd",
        (true, true) => "gzip, deflate, br, zstd",
    }
}

/// What a response's `Content-Encoding` asks of the decoder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Coding {
    /// No encoding, or `identity`: the body is used as it is.
    Identity,
    /// An encoding this build decodes (tower-http matches the same bytes).
    Decoded(&'static str),
    /// Anything else.
    Unsupported(UnsupportedEncoding),
}

fn coding(value: Option<&HeaderValue>) -> Coding {
    let Some(value) = value else {
        return Coding::Identity;
    };
    match value.as_bytes() {
        b"" | b"identity" => Coding::Identity,
        b"gzip" => Coding::Decoded("gzip"),
        b"deflate" => Coding::Decoded("deflate"),
        #[cfg(feature = "brotli")]
        b"br" => Coding::Decoded("br"),
        #[cfg(feature = "zstd")]
        b"zstd" => Coding::Decoded("zstd"),
        _ => Coding::Unsupported(UnsupportedEncoding::new(value)),
    }
}

/// A response body did not decode with its `Content-Encoding`: corrupt or
/// truncated compressed data. (Bytes after the end of the compressed data
/// are ignored when they arrive with its last bytes, as Python's decoder
/// ignores them, and refused when they come in a later frame.)
#[derive(Debug)]
pub struct InvalidEncoding {
    encoding: &'static str,
    source: BoxError,
}

impl InvalidEncoding {
    /// The encoding the body claimed: `gzip`, `deflate`, `br` or `zstd`.
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }
}

impl fmt::Display for InvalidEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "response body is not valid {} data: {}",
            self.encoding, self.source
        )
    }
}

impl StdError for InvalidEncoding {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

/// A response came with a `Content-Encoding` this build cannot decode (`br`
/// without the `brotli` feature, `zstd` without `zstd`, a chain such as
/// `gzip, br`, or an unknown name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedEncoding {
    encoding: String,
}

impl UnsupportedEncoding {
    // The server's header value, kept short and printable for messages.
    fn new(value: &HeaderValue) -> Self {
        let encoding = String::from_utf8_lossy(value.as_bytes())
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .take(64)
            .collect();
        Self { encoding }
    }

    /// The `Content-Encoding` the server sent (at most 64 characters).
    pub fn encoding(&self) -> &str {
        &self.encoding
    }
}

impl fmt::Display for UnsupportedEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "response body has Content-Encoding `{}`, which this client does not decode",
            self.encoding
        )?;
        match self.encoding.as_str() {
            "br" => f.write_str(" (enable the `brotli` feature)"),
            "zstd" => f.write_str(" (enable the `zstd` feature)"),
            _ => Ok(()),
        }
    }
}

impl StdError for UnsupportedEncoding {}

/// Layer adding [`Decompress`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DecompressLayer(());

impl DecompressLayer {
    /// A new layer.
    pub const fn new() -> Self {
        Self(())
    }
}

impl<S> Layer<S> for DecompressLayer {
    type Service = Decompress<S>;

    fn layer(&self, inner: S) -> Decompress<S> {
        Decompress::new(inner)
    }
}

/// Asks for compressed responses and decodes them; see the [module docs](self).
#[derive(Clone)]
pub struct Decompress<S> {
    inner: S,
}

impl<S> Decompress<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        Self { inner }
    }
}

impl<S> fmt::Debug for Decompress<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decompress")
            .field("accept_encoding", &ACCEPT_ENCODING_VALUE)
            .finish_non_exhaustive()
    }
}

impl<S> Service<HttpRequest> for Decompress<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: HttpRequest) -> Self::Future {
        req.headers_mut()
            .entry(ACCEPT_ENCODING)
            .or_insert(HeaderValue::from_static(ACCEPT_ENCODING_VALUE));
        ResponseFuture {
            inner: self.inner.call(req),
        }
    }
}

/// Response future of [`Decompress`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture<F> {
    #[pin]
    inner: F,
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<F> Future for ResponseFuture<F>
where
    F: Future<Output = Result<HttpResponse, BoxError>>,
{
    type Output = Result<HttpResponse, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let response = ready!(self.project().inner.poll(cx))?;
        Poll::Ready(match coding(response.headers().get(CONTENT_ENCODING)) {
            // The common case: the body as it is, no decoder, no box.
            Coding::Identity => Ok(response),
            Coding::Decoded(encoding) => Ok(decode(response, encoding)),
            Coding::Unsupported(err) => Err(Box::new(err)),
        })
    }
}

/// `response` with its body decoded as it streams, by tower-http's
/// [`Decompression`] (which also drops `Content-Encoding` and
/// `Content-Length`). Errors of the body underneath keep their type; the
/// decoder's are [`InvalidEncoding`].
fn decode(response: HttpResponse, encoding: &'static str) -> HttpResponse {
    let response = response.map(|body| ResponseBody::new(body.map_err(FromWire)));
    let decompression = Decompression::new(Ready(Some(response)))
        .gzip(true)
        .deflate(true);
    #[cfg(feature = "brotli")]
    let decompression = decompression.br(true);
    #[cfg(feature = "zstd")]
    let decompression = decompression.zstd(true);
    // The service answers at once: its future is ready on the first poll.
    let mut future = std::pin::pin!(decompression.oneshot(http::Request::new(())));
    let waker = std::task::Waker::noop();
    let decoded = match future.as_mut().poll(&mut Context::from_waker(waker)) {
        Poll::Ready(Ok(decoded)) => decoded,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => unreachable!("the inner service is ready and answers at once"),
    };
    decoded.map(|body: DecompressionBody<ResponseBody>| {
        ResponseBody::new(body.map_err(move |err| classify(err, encoding)))
    })
}

/// A service that answers its one response at once: how an already received
/// response goes through tower-http's [`Decompression`].
struct Ready(Option<HttpResponse>);

impl Service<http::Request<()>> for Ready {
    type Response = HttpResponse;
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<HttpResponse, std::convert::Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: http::Request<()>) -> Self::Future {
        std::future::ready(Ok(self.0.take().expect("called once")))
    }
}

// Errors of the body underneath were wrapped in `FromWire` on the way in;
// anything else came from the decoder.
fn classify(err: BoxError, encoding: &'static str) -> BoxError {
    match err.downcast::<FromWire>() {
        Ok(wire) => wire.0,
        Err(err) => Box::new(InvalidEncoding {
            encoding,
            source: err,
        }),
    }
}

/// An error of the body under the decoder, kept apart from decoding errors.
#[derive(Debug)]
struct FromWire(BoxError);

impl fmt::Display for FromWire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for FromWire {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.0)
    }
}

#[cfg(test)]
mod tests;
