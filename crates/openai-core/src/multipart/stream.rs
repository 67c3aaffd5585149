//! The body of a multipart form: a [`BodySource`] that writes the form's
//! in-memory runs as they are and streams each file from disk, every attempt
//! from the first byte.
//!
//! A file is read in [`CHUNK`]-sized pieces through `tokio::fs::File`, so an
//! upload of any size holds one chunk at a time in memory. The length of each
//! file was taken when the form was turned into a body, and it is part of the
//! `Content-Length`: a file that has shrunk or grown since then fails the
//! attempt (with a [`Permanent`] error, so it is not retried) rather than
//! send a body of the wrong length.

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use http_body::{Frame, SizeHint};
use openai_transport::BoxError;
use openai_transport::body::{BodySource, SourceStream};
use openai_transport::error::Permanent;
use tokio::io::{AsyncRead, ReadBuf};

use crate::error::{Error, InvalidRequestError};

/// Bytes read from a file per frame.
pub(super) const CHUNK: usize = 64 * 1024;

/// One run of the body.
#[derive(Debug)]
pub(super) enum Segment {
    /// Headers, text fields, in-memory files: sent as they are.
    Memory(Bytes),
    /// `len` bytes of a file on disk from `offset` (the whole file when
    /// `whole`, whose end is then checked); `shown` names it in errors.
    File {
        path: PathBuf,
        offset: u64,
        len: u64,
        whole: bool,
        shown: String,
    },
}

/// The form as a body source; each `open` streams it again.
#[derive(Debug)]
pub(super) struct FormSource {
    segments: Arc<[Segment]>,
    len: u64,
}

impl FormSource {
    /// `segments` must add up to `len` bytes (files at their measured size).
    pub(super) fn new(segments: Vec<Segment>, len: u64) -> Self {
        Self {
            segments: segments.into(),
            len,
        }
    }
}

impl BodySource for FormSource {
    fn open(&self) -> SourceStream {
        Box::pin(FormStream {
            segments: Arc::clone(&self.segments),
            next: 0,
            file: None,
        })
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len)
    }
}

/// One pass over the form.
struct FormStream {
    segments: Arc<[Segment]>,
    /// Index of the next segment to start.
    next: usize,
    /// The file being read, if any.
    file: Option<FileRead>,
}

type OpenFuture = Pin<Box<dyn Future<Output = io::Result<tokio::fs::File>> + Send>>;

/// Reading one file: opening it, then `left` bytes, then checking the end
/// (of a whole file; a part ends where it ends).
struct FileRead {
    state: ReadState,
    whole: bool,
    /// The buffer of the chunk being read; kept while a read is pending.
    buf: Option<BytesMut>,
    shown: String,
}

enum ReadState {
    Opening(OpenFuture, u64),
    Reading { file: tokio::fs::File, left: u64 },
}

impl http_body::Body for FormStream {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        loop {
            if let Some(file) = &mut this.file {
                match ready!(file.poll_chunk(cx)) {
                    Ok(Some(chunk)) => return Poll::Ready(Some(Ok(Frame::data(chunk)))),
                    Ok(None) => this.file = None,
                    Err(err) => {
                        // Nothing follows an error.
                        this.file = None;
                        this.next = this.segments.len();
                        return Poll::Ready(Some(Err(err)));
                    }
                }
            }
            let Some(segment) = this.segments.get(this.next) else {
                return Poll::Ready(None);
            };
            this.next += 1;
            match segment {
                Segment::Memory(bytes) => return Poll::Ready(Some(Ok(Frame::data(bytes.clone())))),
                Segment::File {
                    path,
                    offset,
                    len,
                    whole,
                    shown,
                } => {
                    this.file = Some(FileRead::open(
                        path.clone(),
                        *offset,
                        *len,
                        *whole,
                        shown.clone(),
                    ));
                }
            }
        }
    }
}

impl FileRead {
    fn open(path: PathBuf, offset: u64, len: u64, whole: bool, shown: String) -> Self {
        let open: OpenFuture = if offset == 0 {
            Box::pin(tokio::fs::File::open(path))
        } else {
            Box::pin(async move {
                use tokio::io::AsyncSeekExt as _;
                let mut file = tokio::fs::File::open(path).await?;
                file.seek(io::SeekFrom::Start(offset)).await?;
                Ok(file)
            })
        };
        Self {
            state: ReadState::Opening(open, len),
            whole,
            buf: None,
            shown,
        }
    }

    /// The next chunk; `None` once the whole file was read and found to end
    /// where it should.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Bytes>, BoxError>> {
        loop {
            match &mut self.state {
                ReadState::Opening(open, len) => {
                    let left = *len;
                    let file = ready!(open.as_mut().poll(cx)).map_err(|e| self.io_error(&e))?;
                    self.state = ReadState::Reading { file, left };
                }
                ReadState::Reading { file, left } => {
                    // With the whole length read, one more byte tells whether
                    // the file has grown.
                    let want = usize::try_from(*left).map_or(CHUNK, |l| l.clamp(1, CHUNK));
                    let mut buf = self.buf.take().unwrap_or_else(|| BytesMut::zeroed(want));
                    let mut read = ReadBuf::new(&mut buf);
                    let polled = Pin::new(&mut *file).poll_read(cx, &mut read);
                    let n = read.filled().len();
                    match polled {
                        Poll::Pending => {
                            self.buf = Some(buf);
                            return Poll::Pending;
                        }
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(self.io_error(&e))),
                        Poll::Ready(Ok(())) => {}
                    }
                    if *left == 0 && !self.whole {
                        return Poll::Ready(Ok(None));
                    }
                    if *left == 0 {
                        return Poll::Ready(match n {
                            0 => Ok(None),
                            _ => Err(self.changed("grown")),
                        });
                    }
                    if n == 0 {
                        return Poll::Ready(Err(self.changed("shrunk")));
                    }
                    *left -= n as u64;
                    buf.truncate(n);
                    return Poll::Ready(Ok(Some(buf.freeze())));
                }
            }
        }
    }

    fn io_error(&self, err: &io::Error) -> BoxError {
        permanent(format!("cannot read the file `{}`: {err}", self.shown))
    }

    fn changed(&self, how: &str) -> BoxError {
        permanent(format!(
            "the file `{}` has {how} since the request was built",
            self.shown
        ))
    }
}

/// An error another attempt cannot fix: the retry layer gives up at once.
fn permanent(message: String) -> BoxError {
    Box::new(Permanent::new(Error::InvalidRequest(
        InvalidRequestError::new(message),
    )))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use http_body_util::BodyExt;

    use super::*;

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let path = std::env::temp_dir().join(format!("openai-mp-{}-{name}", std::process::id()));
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        path
    }

    fn source(path: &std::path::Path, len: u64) -> FormSource {
        let segments = vec![
            Segment::Memory(Bytes::from_static(b"<")),
            Segment::File {
                path: path.to_owned(),
                offset: 0,
                len,
                whole: true,
                shown: "f.txt".into(),
            },
            Segment::Memory(Bytes::from_static(b">")),
        ];
        FormSource::new(segments, len + 2)
    }

    async fn drain(source: &FormSource) -> Result<Bytes, BoxError> {
        Ok(source.open().collect().await?.to_bytes())
    }

    #[tokio::test]
    async fn files_are_read_in_chunks_between_memory_runs() {
        let content: Vec<u8> = (0..CHUNK * 2 + 10).map(|i| (i % 251) as u8).collect();
        let path = temp_file("chunks", &content);
        let source = source(&path, content.len() as u64);
        let mut stream = source.open();
        let mut sizes = Vec::new();
        let mut all = Vec::new();
        while let Some(frame) = stream.frame().await {
            let data = frame.unwrap().into_data().unwrap();
            sizes.push(data.len());
            all.extend_from_slice(&data);
        }
        assert_eq!(sizes, [1, CHUNK, CHUNK, 10, 1]);
        assert_eq!(all.len(), content.len() + 2);
        assert_eq!(&all[1..all.len() - 1], &content[..]);
        std::fs::remove_file(path).unwrap();
    }

    #[tokio::test]
    async fn a_file_that_changed_size_fails_without_retry() {
        let path = temp_file("changed", b"12345");
        let shrunk = drain(&source(&path, 6)).await.unwrap_err();
        let grown = drain(&source(&path, 4)).await.unwrap_err();
        for (err, how) in [(shrunk, "shrunk"), (grown, "grown")] {
            let permanent = err.downcast_ref::<Permanent>().expect("not retried");
            let shown = permanent.get_ref().to_string();
            assert!(
                shown.contains("`f.txt` has ") && shown.contains(how),
                "{shown}"
            );
        }
        assert_eq!(drain(&source(&path, 5)).await.unwrap(), "<12345>");
        std::fs::remove_file(path).unwrap();
    }

    #[tokio::test]
    async fn a_file_gone_before_an_attempt_fails_it() {
        let path = temp_file("gone", b"x");
        let source = source(&path, 1);
        std::fs::remove_file(&path).unwrap();
        let err = drain(&source).await.unwrap_err();
        assert!(err.is::<Permanent>());
        assert!(
            err.to_string().contains("cannot read the file `f.txt`"),
            "{err}"
        );
    }
}
