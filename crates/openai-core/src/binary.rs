//! [`Binary`]: a download (audio, file contents, archives, video), read on
//! demand.

use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};
use http_body::Body as _;
use openai_transport::request_id::request_id;
use openai_transport::timeout::DEFAULT_MAX_BODY_SIZE;
use openai_transport::{HttpResponse, ResponseBody};
use serde::de::DeserializeOwned;
use tokio::io::AsyncWriteExt as _;

use crate::error::{DecodeError, Error, InvalidRequestError};
use crate::lines::Lines;
use crate::request::from_json_bytes;

/// The body of a binary answer, not yet read.
///
/// Read it whole with [`bytes`](Self::bytes), chunk by chunk as a
/// `futures::Stream` of [`Bytes`], or straight to a file with
/// [`write_to`](Self::write_to), which never holds more than a chunk in
/// memory. The body is under the client's idle timeout: a download that
/// stalls fails with [`Error::Timeout`].
///
/// # Cancel safety
///
/// Dropping the value closes the connection; nothing else is lost.
pub struct Binary {
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
    body: ResponseBody,
}

impl Binary {
    pub(crate) fn new(resp: HttpResponse) -> Self {
        let request_id = request_id(&resp).map(str::to_owned);
        let (parts, body) = resp.into_parts();
        Self {
            status: parts.status,
            headers: parts.headers,
            request_id,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The server's `Content-Type`, if it sent one.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Reads the whole body.
    ///
    /// # Errors
    ///
    /// [`Error::Connection`] when the connection breaks, [`Error::Timeout`]
    /// when it stalls.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        if self.body.is_buffered() {
            return Ok(self.body.into_bytes().unwrap_or_default());
        }
        let mut out = BytesMut::new();
        while let Some(chunk) = next_chunk(&mut self.body).await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out.freeze())
    }

    /// Reads the whole body as text; bytes that are not UTF-8 become
    /// U+FFFD, as Python's `text()` does.
    ///
    /// # Errors
    ///
    /// The errors of [`bytes`](Self::bytes).
    pub async fn text(self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        Ok(match String::from_utf8(bytes.into()) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// Reads the whole body and parses it as JSON into `U` (often
    /// `serde_json::Value`).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body is not `U` in JSON, and the errors of
    /// [`bytes`](Self::bytes).
    pub async fn json<U: DeserializeOwned>(self) -> Result<U, Error> {
        let id = self.request_id.clone();
        let bytes = self.bytes().await?;
        from_json_bytes(&bytes).map_err(|e| {
            Error::Decode(
                DecodeError::new(
                    format!("the response body is not the expected JSON: {e}"),
                    Some(e),
                )
                .with_request_id(id.as_deref()),
            )
        })
    }

    /// The body as a stream of text lines, read as they arrive ([`Lines`]).
    pub fn lines(self) -> Lines<Self> {
        Lines::new(self)
    }

    /// The response again, its body not read (to decode it as a call would).
    pub(crate) fn into_response(self) -> HttpResponse {
        let mut resp = HttpResponse::new(self.body);
        *resp.status_mut() = self.status;
        *resp.headers_mut() = self.headers;
        resp
    }

    /// The response again, its body read whole, up to the cap a buffered
    /// call has ([`DEFAULT_MAX_BODY_SIZE`]); a larger body is
    /// [`Error::Decode`].
    pub(crate) async fn into_buffered_response(mut self) -> Result<HttpResponse, Error> {
        let status = self.status;
        let headers = std::mem::take(&mut self.headers);
        let mut out = BytesMut::new();
        while let Some(chunk) = next_chunk(&mut self.body).await {
            let chunk = chunk?;
            if out.len() + chunk.len() > DEFAULT_MAX_BODY_SIZE {
                return Err(Error::Decode(
                    DecodeError::new(
                        format!("response body larger than {DEFAULT_MAX_BODY_SIZE} bytes"),
                        None,
                    )
                    .with_request_id(self.request_id.as_deref()),
                ));
            }
            out.extend_from_slice(&chunk);
        }
        let mut resp = HttpResponse::new(ResponseBody::full(out.freeze()));
        *resp.status_mut() = status;
        *resp.headers_mut() = headers;
        Ok(resp)
    }

    /// Streams the body into the file at `path`, created or truncated.
    /// Returns the number of bytes written.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the file cannot be written (its path
    /// is named), and the errors of [`bytes`](Self::bytes).
    pub async fn write_to(mut self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let io = |e: std::io::Error| {
            Error::InvalidRequest(InvalidRequestError::new(format!(
                "cannot write {}: {e}",
                path.display()
            )))
        };
        let mut file = tokio::fs::File::create(path).await.map_err(io)?;
        let mut written = 0u64;
        while let Some(chunk) = next_chunk(&mut self.body).await {
            let chunk = chunk?;
            file.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(io)?;
        Ok(written)
    }
}

impl futures_core::Stream for Binary {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        poll_chunk(&mut self.get_mut().body, cx)
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Binary")
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

/// The next data chunk of `body`; trailers are skipped.
fn poll_chunk(body: &mut ResponseBody, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
    loop {
        match ready!(Pin::new(&mut *body).poll_frame(cx)) {
            None => return Poll::Ready(None),
            // A stall is `Error::Timeout`, a cut connection `Error::Connection`.
            Some(Err(e)) => return Poll::Ready(Some(Err(Error::from_transport(e)))),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    if !data.is_empty() {
                        return Poll::Ready(Some(Ok(data)));
                    }
                }
            }
        }
    }
}

async fn next_chunk(body: &mut ResponseBody) -> Option<Result<Bytes, Error>> {
    std::future::poll_fn(|cx| poll_chunk(body, cx)).await
}
