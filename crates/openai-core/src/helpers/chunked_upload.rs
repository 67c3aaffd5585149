//! `client.uploads().upload_file_chunked(..)` (reference/helpers.md d.3):
//! one file through the Uploads API in parts.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use futures_util::StreamExt as _;
use openai_types::{
    FileSource, FileUpload, PartCreateParams, Upload, UploadCompleteParams, UploadCreateParams,
    UploadCreateParamsPurpose,
};

use crate::Client;
use crate::client::{HasOptions, RequestOptions, per_call_setters};
use crate::error::{Error, InvalidRequestError};
use crate::generated::uploads::Uploads;

/// Python's part size: 64 MiB.
pub const DEFAULT_PART_SIZE: u64 = 64 * 1024 * 1024;

/// How many parts are sent at once unless set: Python sends one at a time;
/// a few in parallel go faster and keep memory bounded (a part read from
/// disk is streamed, never held whole).
pub const DEFAULT_PART_CONCURRENCY: usize = 4;

impl Uploads<'_> {
    /// Uploads `file` through the Uploads API: creates the upload (its size,
    /// name and `mime_type`), sends the parts ([`DEFAULT_PART_SIZE`] each,
    /// [`DEFAULT_PART_CONCURRENCY`] at once; a file on disk is streamed
    /// part by part from disk, never held in memory), then completes it
    /// with the part ids in order. Returns the completed [`Upload`], whose
    /// `file` is the new file.
    ///
    /// A failure ends the call at once, parts under way cancelled; as in
    /// Python, the upload is not cancelled (it expires after an hour).
    pub fn upload_file_chunked(
        &self,
        file: impl Into<FileUpload>,
        mime_type: impl Into<String>,
        purpose: impl Into<UploadCreateParamsPurpose>,
    ) -> ChunkedUpload {
        ChunkedUpload {
            client: self.client.clone(),
            file: file.into(),
            mime_type: mime_type.into(),
            purpose: purpose.into(),
            part_size: DEFAULT_PART_SIZE,
            concurrency: DEFAULT_PART_CONCURRENCY,
            md5: None,
            options: RequestOptions::new(),
        }
    }
}

/// A chunked upload, run when awaited: see
/// [`Uploads::upload_file_chunked`].
#[must_use = "requests do nothing unless awaited"]
pub struct ChunkedUpload {
    client: Client,
    file: FileUpload,
    mime_type: String,
    purpose: UploadCreateParamsPurpose,
    part_size: u64,
    concurrency: usize,
    md5: Option<String>,
    options: RequestOptions,
}

impl HasOptions for ChunkedUpload {
    fn options_mut(&mut self) -> &mut RequestOptions {
        &mut self.options
    }
}

impl ChunkedUpload {
    /// The size of each part but the last (Python's `part_size`).
    pub fn part_size(mut self, bytes: u64) -> Self {
        self.part_size = bytes;
        self
    }

    /// How many parts are sent at once (1 sends them one after the other,
    /// as Python does).
    pub fn concurrency(mut self, parts: usize) -> Self {
        self.concurrency = parts;
        self
    }

    /// The MD5 of the whole file, which the API checks on completion.
    pub fn md5(mut self, md5: impl Into<String>) -> Self {
        self.md5 = Some(md5.into());
        self
    }

    per_call_setters!();

    /// The parts of the file: each a [`FileUpload`] of at most
    /// `part_size` bytes, in order.
    fn parts(&self) -> Result<(u64, Vec<FileUpload>), Error> {
        if self.part_size == 0 {
            return Err(invalid("the part size must be at least one byte"));
        }
        let name = self.file.file_name().to_owned();
        Ok(match self.file.source() {
            FileSource::Bytes(bytes) => {
                let size = usize::try_from(self.part_size).unwrap_or(usize::MAX);
                let parts = bytes
                    .chunks(size)
                    .map(|chunk| FileUpload::bytes(name.clone(), chunk.to_vec()))
                    .collect();
                (bytes.len() as u64, parts)
            }
            FileSource::Path(path) => {
                let len = std::fs::metadata(path)
                    .map_err(|e| invalid(format!("cannot read `{}`: {e}", path.display())))?
                    .len();
                (
                    len,
                    ranges(len, self.part_size, |offset, n| {
                        FileUpload::path_part(path, offset, n)
                    }),
                )
            }
            FileSource::Part { path, offset, len } => (
                len,
                ranges(len, self.part_size, |start, n| {
                    FileUpload::path_part(path, offset + start, n)
                }),
            ),
        })
    }
}

/// Parts of `part` bytes (the last one shorter) over `len` bytes.
fn ranges(len: u64, part: u64, make: impl Fn(u64, u64) -> FileUpload) -> Vec<FileUpload> {
    let mut out = Vec::new();
    let mut offset = 0;
    while offset < len {
        let n = part.min(len - offset);
        out.push(make(offset, n));
        offset += n;
    }
    out
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidRequest(InvalidRequestError::new(message))
}

impl IntoFuture for ChunkedUpload {
    type Output = Result<Upload, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<Upload, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let (len, parts) = self.parts()?;
            let bytes = i64::try_from(len).map_err(|_| invalid("the file is too large"))?;
            let uploads = self.client.uploads();
            let params = UploadCreateParams::new(
                self.file.file_name(),
                self.purpose.clone(),
                bytes,
                self.mime_type.as_str(),
            );
            let upload = uploads.create(params).options(&self.options).await?;
            // Parts go in parallel; their ids are kept in the file's order.
            let mut ids: Vec<Option<String>> = vec![None; parts.len()];
            let mut sent = futures_util::stream::iter(parts.into_iter().enumerate())
                .map(|(i, part)| {
                    let request = uploads
                        .parts()
                        .create(&upload.id, PartCreateParams::new(part))
                        .options(&self.options);
                    async move { (i, request.await) }
                })
                .buffer_unordered(self.concurrency.max(1));
            while let Some((i, part)) = sent.next().await {
                ids[i] = Some(part?.id);
            }
            drop(sent);
            let ids: Vec<String> = ids.into_iter().flatten().collect();
            let mut complete = UploadCompleteParams::new(ids);
            if let Some(md5) = &self.md5 {
                complete = complete.md5(md5.as_str());
            }
            uploads
                .complete(&upload.id, complete)
                .options(&self.options)
                .await
        })
    }
}

impl fmt::Debug for ChunkedUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedUpload")
            .field("file", &self.file)
            .field("part_size", &self.part_size)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}
