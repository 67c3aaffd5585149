//! `multipart/form-data` request bodies for file uploads, streamed from disk.
//!
//! A [`Form`] collects text fields and files ([`FileUpload`]s), then
//! `Form::into_body` checks that every file on disk is there and measures
//! it, and returns a replayable [`Body`] with its `Content-Type`. Each attempt
//! (every retry, every 307/308 redirect) writes the form again from the
//! start: text from memory, files read from disk one chunk at a time, so an
//! upload of any size costs a chunk of memory, not its size.
//!
//! The layout is the Python SDK's (`reference/client.md` section 10): one
//! part per field, `Content-Disposition: form-data; name="…"` plus
//! `; filename="…"` and a `Content-Type` line for files, CRLF line endings,
//! a random 32-hex-digit boundary and a closing `--boundary--`. Upload
//! methods add the params' fields first (`Form::fields_from`), then the
//! files, as Python sends them.

mod stream;

use std::fmt::{self, Write as _};
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::{BufMut, Bytes, BytesMut};
use http::HeaderValue;
use openai_transport::Body;
use openai_types::{FileSource, FileUpload};
use serde::Serialize;

use self::stream::{FormSource, Segment};
use crate::error::{Error, InvalidRequestError};

/// A `multipart/form-data` body being built: text fields and files, sent in
/// the order they were added.
pub struct Form {
    boundary: String,
    parts: Vec<Part>,
}

struct Part {
    name: String,
    value: Value,
}

enum Value {
    Text(String),
    File(FileUpload),
}

/// A params field that holds files: one [`FileUpload`], an optional one, a
/// list (sent as repeated `name[]` parts), or a generated union of those.
pub trait FileParts {
    /// Adds the files of this field, named `name`, to `form`.
    #[doc(hidden)]
    fn add_files(&self, name: &str, form: &mut Form);
}

impl FileParts for FileUpload {
    fn add_files(&self, name: &str, form: &mut Form) {
        form.file(name, self);
    }
}

impl<T: FileParts> FileParts for openai_types::Nullable<T> {
    fn add_files(&self, name: &str, form: &mut Form) {
        if let openai_types::Nullable::Value(v) = self {
            v.add_files(name, form);
        }
    }
}

impl<T: FileParts> FileParts for Vec<T> {
    fn add_files(&self, name: &str, form: &mut Form) {
        let name = format!("{name}[]");
        for v in self {
            v.add_files(&name, form);
        }
    }
}

impl<T: FileParts + ?Sized> FileParts for Box<T> {
    fn add_files(&self, name: &str, form: &mut Form) {
        (**self).add_files(name, form);
    }
}

// ===== impl Form =====

impl Form {
    /// An empty form with a new random boundary.
    pub(crate) fn new() -> Self {
        Self {
            boundary: boundary(),
            parts: Vec::new(),
        }
    }

    /// Adds a text field. (Upload methods add theirs with
    /// [`fields_from`](Self::fields_from).)
    #[cfg(test)]
    pub(crate) fn text(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.parts.push(Part {
            name: name.into(),
            value: Value::Text(value.into()),
        });
        self
    }

    /// Adds a file; the upload is shared, not copied.
    pub(crate) fn file(&mut self, name: impl Into<String>, file: &FileUpload) -> &mut Self {
        self.parts.push(Part {
            name: name.into(),
            value: Value::File(file.clone()),
        });
        self
    }

    /// Adds every non-null field of `params` (a struct or a map) but the
    /// top-level ones named in `skip` (the files, sent as parts of their
    /// own) as text fields, named with brackets: `expires_after[anchor]`,
    /// repeated `tags[]`, `documents[][name]` for objects in arrays.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `params` does not serialize to a JSON
    /// object, or holds a NaN or infinite float.
    pub(crate) fn fields_from<T: Serialize + ?Sized>(
        &mut self,
        params: &T,
        skip: &[&str],
    ) -> Result<(), Error> {
        let fields = crate::brackets::flatten_except(params, skip)
            .map_err(|e| invalid(format!("the request body cannot be serialized: {e}")))?;
        self.parts
            .extend(fields.into_iter().map(|(name, value)| Part {
                name,
                value: Value::Text(value),
            }));
        Ok(())
    }

    /// The value of the text field `name`, if the form has one.
    pub(crate) fn text_field(&self, name: &str) -> Option<&str> {
        self.parts.iter().find_map(|part| match &part.value {
            Value::Text(text) if part.name == name => Some(text.as_str()),
            _ => None,
        })
    }

    /// The form as a streamed, replayable body of exact length, and the
    /// `Content-Type` to send it with (`multipart/form-data; boundary=…`).
    /// The body's size hint is exact, so the HTTP client sends
    /// `Content-Length`.
    ///
    /// Every file on disk is opened here (then closed) and measured: nothing
    /// is sent when one is missing, unreadable, or not a regular file.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the path, for a file that cannot be
    /// uploaded, or when a MIME type holds a control character.
    pub(crate) fn into_body(self) -> Result<(Body, HeaderValue), Error> {
        let content_type =
            HeaderValue::try_from(format!("multipart/form-data; boundary={}", self.boundary))
                .map_err(|_| invalid("the multipart boundary cannot be sent as a header"))?;
        let mut segments = Segments::new();
        for part in &self.parts {
            segments.head(&self.boundary, part)?;
            match &part.value {
                Value::Text(text) => segments.memory(text.as_bytes()),
                Value::File(file) => segments.file(file)?,
            }
            segments.memory(b"\r\n");
        }
        segments.memory(format!("--{}--\r\n", self.boundary).as_bytes());
        let (segments, len) = segments.finish()?;
        let body = match segments.as_slice() {
            // Text fields only: one buffer, the bytes fast path.
            [Segment::Memory(bytes)] => Body::from_bytes(bytes.clone()),
            _ => Body::from_source(Arc::new(FormSource::new(segments, len))),
        };
        Ok((body, content_type))
    }
}

impl fmt::Debug for Form {
    // Field values may be private: names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Form")
            .field("boundary", &self.boundary)
            .field(
                "fields",
                &self.parts.iter().map(|p| &p.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

// ===== Segments =====

/// The body as it is laid out: in-memory runs (merged while they follow each
/// other) and files, with the running length.
struct Segments {
    done: Vec<Segment>,
    pending: BytesMut,
    /// `None` once the length went past `u64::MAX`.
    len: Option<u64>,
}

impl Segments {
    fn new() -> Self {
        Self {
            done: Vec::new(),
            pending: BytesMut::new(),
            len: Some(0),
        }
    }

    fn add_len(&mut self, n: u64) {
        self.len = self.len.and_then(|l| l.checked_add(n));
    }

    fn memory(&mut self, bytes: &[u8]) {
        self.add_len(bytes.len() as u64);
        self.pending.put_slice(bytes);
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let run = self.pending.split().freeze();
            self.done.push(Segment::Memory(run));
        }
    }

    /// `--boundary`, `Content-Disposition` and, for files, `Content-Type`.
    fn head(&mut self, boundary: &str, part: &Part) -> Result<(), Error> {
        let mut head = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"");
        escape_into(&mut head, &part.name);
        head.push('"');
        if let Value::File(file) = &part.value {
            let mime = file.mime_type();
            if mime.chars().any(char::is_control) {
                return Err(invalid(format!(
                    "the MIME type of `{}` holds a control character",
                    file.file_name()
                )));
            }
            head.push_str("; filename=\"");
            escape_into(&mut head, file.file_name());
            head.push_str("\"\r\nContent-Type: ");
            head.push_str(mime);
        }
        head.push_str("\r\n\r\n");
        self.memory(head.as_bytes());
        Ok(())
    }

    fn file(&mut self, file: &FileUpload) -> Result<(), Error> {
        match file.source() {
            FileSource::Bytes(bytes) => {
                self.add_len(bytes.len() as u64);
                self.flush();
                // Shares the upload's buffer: no copy.
                let shared = Bytes::from_owner(SharedUpload(file.clone()));
                self.done.push(Segment::Memory(shared));
            }
            FileSource::Path(path) => {
                let shown = path.display().to_string();
                let len = file_len(path, &shown)?;
                self.add_len(len);
                self.flush();
                self.done.push(Segment::File {
                    path: path.to_owned(),
                    offset: 0,
                    len,
                    whole: true,
                    shown,
                });
            }
            FileSource::Part { path, offset, len } => {
                let shown = path.display().to_string();
                let file = file_len(path, &shown)?;
                if offset.checked_add(len).is_none_or(|end| end > file) {
                    return Err(invalid(format!(
                        "the part of `{shown}` from byte {offset} of {len} bytes goes past its end ({file} bytes)"
                    )));
                }
                self.add_len(len);
                self.flush();
                self.done.push(Segment::File {
                    path: path.to_owned(),
                    offset,
                    len,
                    whole: false,
                    shown,
                });
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(Vec<Segment>, u64), Error> {
        self.flush();
        let len = self
            .len
            .ok_or_else(|| invalid("the multipart body is too large"))?;
        Ok((self.done, len))
    }
}

/// The bytes of an in-memory [`FileUpload`], owned by a clone of it.
struct SharedUpload(FileUpload);

impl AsRef<[u8]> for SharedUpload {
    fn as_ref(&self) -> &[u8] {
        match self.0.source() {
            FileSource::Bytes(bytes) => bytes,
            FileSource::Path(_) | FileSource::Part { .. } => &[],
        }
    }
}

/// The length of the regular file at `path`, which is opened to make sure it
/// can be read.
fn file_len(path: &std::path::Path, shown: &str) -> Result<u64, Error> {
    let cannot = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => invalid(format!("the file `{shown}` does not exist")),
        _ => invalid(format!("cannot read the file `{shown}`: {e}")),
    };
    let meta = std::fs::File::open(path)
        .and_then(|f| f.metadata())
        .map_err(cannot)?;
    if !meta.is_file() {
        return Err(invalid(format!("`{shown}` is not a regular file")));
    }
    Ok(meta.len())
}

/// Appends `s` to `out` as the HTML standard writes names in a form's
/// headers: `"` as `%22`, CR as `%0D`, LF as `%0A`, and (as httpx does)
/// any other control character as `%XX` too, so no name can end the line.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("%22"),
            c if c.is_ascii_control() => {
                // Writing to a `String` cannot fail.
                let _ = write!(out, "%{:02X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// 32 hex digits, new for each form: SipHash outputs of a process-wide
/// counter under std's `RandomState` keys, which are random per process and
/// change with every `RandomState`.
fn boundary() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let word = |salt: u64| {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(count);
        h.write_u64(salt);
        h.finish()
    };
    format!("{:016x}{:016x}", word(1), word(2))
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidRequest(InvalidRequestError::new(message))
}

#[cfg(test)]
mod tests;
