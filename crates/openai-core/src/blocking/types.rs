//! The blocking requests and what they return.

use std::fmt;
use std::future::IntoFuture;
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use openai_types::ResponseMeta;
use serde::de::DeserializeOwned;

use super::Client;
use super::helpers::Blocked;
use super::runtime::Runtime;
use crate::client::{HasOptions, RequestOptions, per_call_setters};
use crate::error::Error;
use crate::pagination::{Paginated, next_request};
use crate::{Binary, Stream};

macro_rules! blocking_request {
    ($(#[$doc:meta])* $name:ident<$($t:ident)?> => $inner:ty) => {
        $(#[$doc])*
        #[must_use = "requests do nothing until sent"]
        pub struct $name$(<$t>)? {
            inner: crate::Request<$inner>,
            runtime: Arc<Runtime>,
        }

        impl$(<$t>)? $name$(<$t>)? {
            /// The request `inner`, sent on `client`'s runtime.
            pub fn new(client: &Client, inner: crate::Request<$inner>) -> Self {
                Self {
                    inner,
                    runtime: Arc::clone(client.runtime()),
                }
            }

            per_call_setters!();

            /// Applies a whole set of options.
            pub fn options(mut self, options: &RequestOptions) -> Self {
                self.inner = self.inner.options(options);
                self
            }

            /// The async request underneath.
            pub fn into_async(self) -> crate::Request<$inner> {
                self.inner
            }
        }

        impl$(<$t>)? HasOptions for $name$(<$t>)? {
            fn options_mut(&mut self) -> &mut RequestOptions {
                self.inner.options_mut()
            }
        }

        impl$(<$t>)? fmt::Debug for $name$(<$t>)? {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("request", &self.inner)
                    .finish_non_exhaustive()
            }
        }
    };
}

blocking_request! {
    /// A blocking call: build it, set per-call options, then
    /// [`send`](Self::send).
    Request<T> => T
}

impl<T: Send + 'static> Request<T> {
    /// Sends the request and waits for the answer (the async client's
    /// retries and timeouts apply).
    ///
    /// # Errors
    ///
    /// Any error of the async call; [`Error::InvalidRequest`] inside an
    /// async runtime.
    pub fn send(self) -> Result<T, Error> {
        self.runtime.run(self.inner.into_future())?
    }

    /// Sends the request and returns the raw response: see
    /// [`crate::Request::with_raw_response`].
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub fn send_raw(self) -> Result<crate::RawResponse<T>, Error>
    where
        T: DeserializeOwned,
    {
        self.runtime
            .run(self.inner.with_raw_response().into_future())?
    }
}

impl<T: Send + 'static> Request<T> {
    /// The raw response instead of the parsed value, as the async
    /// [`crate::Request::with_raw_response`]: `.with_raw_response().send()`
    /// (the same as [`send_raw`](Request::send_raw)).
    pub fn with_raw_response(self) -> RawSend<T> {
        RawSend(self)
    }

    /// The response unread, as the async
    /// [`crate::Request::with_streaming_response`]:
    /// `.with_streaming_response().send()` (the same as
    /// [`send_streaming`](Self::send_streaming)).
    pub fn with_streaming_response(self) -> StreamingSend<T> {
        StreamingSend(self)
    }

    /// Sends the request and hands over the response unread (see
    /// [`crate::Request::with_streaming_response`]): status and headers
    /// now, the body when read.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub fn send_streaming(self) -> Result<BlockingStreamedResponse<T>, Error> {
        let response = self
            .runtime
            .run(self.inner.with_streaming_response().into_future())??;
        Ok(BlockingStreamedResponse {
            response,
            runtime: self.runtime,
        })
    }
}

/// What [`Request::with_raw_response`] returns: [`send`](Self::send) it.
#[must_use = "requests do nothing until sent"]
#[derive(Debug)]
pub struct RawSend<T>(Request<T>);

impl<T: DeserializeOwned + Send + 'static> RawSend<T> {
    /// Sends the request and returns the raw response.
    ///
    /// # Errors
    ///
    /// As [`Request::send`].
    pub fn send(self) -> Result<crate::RawResponse<T>, Error> {
        self.0.send_raw()
    }
}

/// What [`Request::with_streaming_response`] returns: [`send`](Self::send)
/// it.
#[must_use = "requests do nothing until sent"]
#[derive(Debug)]
pub struct StreamingSend<T>(Request<T>);

impl<T: Send + 'static> StreamingSend<T> {
    /// Sends the request and hands over the response unread.
    ///
    /// # Errors
    ///
    /// As [`Request::send`].
    pub fn send(self) -> Result<BlockingStreamedResponse<T>, Error> {
        self.0.send_streaming()
    }
}

/// A response of [`Request::send_streaming`], its body not read yet.
pub struct BlockingStreamedResponse<T> {
    response: crate::StreamedResponse<T>,
    runtime: Arc<Runtime>,
}

impl<T: Send + 'static> BlockingStreamedResponse<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.response.request_id()
    }

    /// How many retries the call took.
    pub fn retries_taken(&self) -> u32 {
        self.response.retries_taken()
    }

    /// Reads the whole body.
    ///
    /// # Errors
    ///
    /// As [`crate::StreamedResponse::bytes`].
    pub fn bytes(self) -> Result<Bytes, Error> {
        self.runtime.run(self.response.bytes())?
    }

    /// Reads the whole body as UTF-8 text.
    ///
    /// # Errors
    ///
    /// As [`crate::StreamedResponse::text`].
    pub fn text(self) -> Result<String, Error> {
        self.runtime.run(self.response.text())?
    }

    /// Streams the body into the file at `path`; returns the bytes written.
    ///
    /// # Errors
    ///
    /// As [`crate::StreamedResponse::write_to`].
    pub fn write_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref().to_owned();
        self.runtime.run(self.response.write_to(path))?
    }

    /// Reads the body as the call would have (see
    /// [`crate::StreamedResponse::parse`]).
    ///
    /// # Errors
    ///
    /// As [`crate::StreamedResponse::parse`].
    pub fn parse(self) -> Result<T, Error> {
        self.runtime.run(self.response.parse())?
    }
}

impl<T> fmt::Debug for BlockingStreamedResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingStreamedResponse")
            .field("response", &self.response)
            .finish_non_exhaustive()
    }
}

blocking_request! {
    /// A blocking streamed call: [`send`](Self::send) returns an iterator
    /// of the events.
    StreamRequest<T> => Stream<T>
}

impl<T: DeserializeOwned + ResponseMeta + Send + 'static> StreamRequest<T> {
    /// Sends the request; returns once the response head arrived.
    ///
    /// # Errors
    ///
    /// As [`Request::send`].
    pub fn send(self) -> Result<BlockingStream<T>, Error> {
        let stream = self.runtime.run(self.inner.into_future())??;
        Ok(Blocked::new(stream, self.runtime))
    }
}

/// The events of a blocking stream, as an iterator; dropping it closes the
/// connection.
pub type BlockingStream<T> = Blocked<Stream<T>>;

impl<T> Blocked<Stream<T>> {
    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.get_ref()?.request_id()
    }
}

blocking_request! {
    /// A blocking list call: [`send`](Self::send) returns the first page,
    /// [`auto_paging`](Self::auto_paging) every item of every page.
    PageRequest<P> => P
}

impl<P: Paginated> PageRequest<P> {
    /// Sends the request and returns the first page.
    ///
    /// # Errors
    ///
    /// As [`Request::send`].
    pub fn send(self) -> Result<BlockingPage<P>, Error> {
        let page = self.runtime.run(self.inner.into_future())??;
        Ok(BlockingPage {
            page,
            runtime: self.runtime,
        })
    }

    /// Every item of every page, fetched lazily as the iterator is read
    /// (see [`crate::Request::auto_paging`]).
    pub fn auto_paging(self) -> AutoPaging<P> {
        Blocked::new(self.inner.auto_paging(), self.runtime)
    }
}

/// A page of a blocking list call. Derefs to the page (`data`,
/// `has_next_page()`, `next_page_info()`).
pub struct BlockingPage<P> {
    page: P,
    runtime: Arc<Runtime>,
}

impl<P: Paginated> BlockingPage<P> {
    /// Fetches the next page with the original call's query, headers and
    /// options.
    ///
    /// # Errors
    ///
    /// [`Error::Pagination`] when there is no next page; any error of the
    /// call.
    pub fn get_next_page(&self) -> Result<Self, Error> {
        let next = next_request(&self.page)?;
        let page = self.runtime.run(next.into_future())??;
        Ok(Self {
            page,
            runtime: Arc::clone(&self.runtime),
        })
    }

    /// The page itself.
    pub fn into_inner(self) -> P {
        self.page
    }
}

impl<P> Deref for BlockingPage<P> {
    type Target = P;

    fn deref(&self) -> &P {
        &self.page
    }
}

impl<P: Paginated> IntoIterator for BlockingPage<P> {
    type Item = P::Item;
    type IntoIter = std::vec::IntoIter<P::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.page.into_items().into_iter()
    }
}

impl<P: fmt::Debug> fmt::Debug for BlockingPage<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.page.fmt(f)
    }
}

/// Every item of every page of a blocking list call, as an iterator.
pub type AutoPaging<P> = Blocked<crate::pagination::AutoPaging<P>>;

blocking_request! {
    /// A blocking call with a binary answer (audio, file contents).
    BinaryRequest<> => Binary
}

impl BinaryRequest {
    /// Sends the request; the body is read by the returned value's methods.
    ///
    /// # Errors
    ///
    /// As [`Request::send`].
    pub fn send(self) -> Result<BlockingBinary, Error> {
        let binary = self.runtime.run(self.inner.into_future())??;
        Ok(BlockingBinary {
            binary,
            runtime: self.runtime,
        })
    }
}

/// A binary answer of the blocking client, not read yet.
pub struct BlockingBinary {
    binary: Binary,
    runtime: Arc<Runtime>,
}

impl BlockingBinary {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.binary.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.binary.headers()
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.binary.request_id()
    }

    /// Reads the whole body.
    ///
    /// # Errors
    ///
    /// As [`Binary::bytes`].
    pub fn bytes(self) -> Result<Bytes, Error> {
        self.runtime.run(self.binary.bytes())?
    }

    /// Reads the whole body as UTF-8 text.
    ///
    /// # Errors
    ///
    /// As [`Binary::text`].
    pub fn text(self) -> Result<String, Error> {
        self.runtime.run(self.binary.text())?
    }

    /// Streams the body into the file at `path`; returns the bytes written.
    ///
    /// # Errors
    ///
    /// As [`Binary::write_to`].
    pub fn write_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref().to_owned();
        self.runtime.run(self.binary.write_to(path))?
    }
}

impl fmt::Debug for BlockingBinary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingBinary")
            .field("binary", &self.binary)
            .finish_non_exhaustive()
    }
}
