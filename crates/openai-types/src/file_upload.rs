//! [`FileUpload`]: a file to send as a multipart part, described, not read.
//!
//! Upload params (`FileCreateParams`, `TranscriptionCreateParams`, ...) hold
//! their files as `FileUpload`s. Building one does no I/O: a path is only
//! checked and streamed from disk when the request is sent (by `openai-core`),
//! and in-memory bytes are shared, not copied, when the value is cloned.
//!
//! ```
//! use openai_types::{FileSource, FileUpload};
//!
//! let from_disk = FileUpload::path("data/train.jsonl");
//! assert_eq!(from_disk.file_name(), "train.jsonl");
//!
//! let in_memory = FileUpload::bytes("photo.PNG", vec![0x89, b'P', b'N', b'G']);
//! assert_eq!(in_memory.mime_type(), "image/png");
//! assert!(matches!(in_memory.source(), FileSource::Bytes(b) if b.len() == 4));
//!
//! let renamed = in_memory.with_file_name("cat.webp").mime("image/x-custom");
//! assert_eq!(renamed.mime_type(), "image/x-custom");
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The name given to a part whose name cannot be taken from anywhere else,
/// as the Python SDK does (`reference/client.md` section 10).
const FALLBACK_NAME: &str = "upload";

/// The MIME type of a file whose extension is not in the table.
const OCTET_STREAM: &str = "application/octet-stream";

/// A file to upload: a path on disk or bytes in memory, with the file name
/// and MIME type its multipart part carries.
///
/// The file name defaults to the path's last component (or the name given
/// with the bytes); the MIME type defaults to a guess from the file name's
/// extension (see [`mime_type`](FileUpload::mime_type)). Both can be
/// overridden. Cloning is cheap: bytes are shared.
///
/// `Debug` prints the name, the MIME type and the path or the byte count,
/// never the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct FileUpload {
    content: Content,
    name: String,
    mime: Option<String>,
}

/// Where the content of a [`FileUpload`] comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FileSource<'a> {
    /// A file on disk, read when the request is sent.
    Path(&'a Path),
    /// Bytes in memory.
    Bytes(&'a [u8]),
    /// A part of a file on disk: `len` bytes from `offset`, read when the
    /// request is sent.
    Part {
        /// The file.
        path: &'a Path,
        /// Where the part starts.
        offset: u64,
        /// How many bytes it has.
        len: u64,
    },
}

#[derive(Clone, PartialEq, Eq)]
enum Content {
    Path(PathBuf),
    // `Arc<Vec<u8>>`, not `Arc<[u8]>`: a `Vec` given by the caller is kept
    // as it is instead of being copied into a new allocation.
    Bytes(Arc<Vec<u8>>),
    Part {
        path: PathBuf,
        offset: u64,
        len: u64,
    },
}

// ===== impl FileUpload =====

impl FileUpload {
    /// A file on disk. Its name is the path's last component (`upload` when
    /// there is none, as for `..`). Nothing is read or checked here.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path.file_name().map_or_else(
            || FALLBACK_NAME.to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        Self {
            content: Content::Path(path),
            name,
            mime: None,
        }
    }

    /// `len` bytes of the file at `path` from `offset`: a part of a chunked
    /// upload, read from disk when sent (and again on a retry), never held
    /// in memory whole. Named as [`path`](Self::path) names it. Nothing is
    /// read or checked here; a part past the end of the file fails the call
    /// before anything is sent.
    pub fn path_part(path: impl Into<PathBuf>, offset: u64, len: u64) -> Self {
        let path = path.into();
        let name = path.file_name().map_or_else(
            || FALLBACK_NAME.to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        Self {
            content: Content::Part { path, offset, len },
            name,
            mime: None,
        }
    }

    /// Bytes in memory, sent as a file named `name`.
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            content: Content::Bytes(Arc::new(bytes.into())),
            name: name.into(),
            mime: None,
        }
    }

    /// Bytes in memory, sent as a file named `name` of type `mime`.
    pub fn new(
        name: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
        mime: impl Into<String>,
    ) -> Self {
        Self::bytes(name, bytes).mime(mime)
    }

    /// Sets the MIME type of the part instead of guessing it from the name.
    pub fn mime(mut self, mime: impl Into<String>) -> Self {
        self.mime = Some(mime.into());
        self
    }

    /// Returns this upload with another file name. Unless a MIME type was
    /// set, the type is then guessed from the new name.
    ///
    /// (Named after `Path::with_file_name`: `file_name()` is the getter.)
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The file name the part carries.
    pub fn file_name(&self) -> &str {
        &self.name
    }

    /// The MIME type the part carries: the one set with
    /// [`mime`](FileUpload::mime), else a guess from the file name's
    /// extension (case-insensitive): `json`, `txt`, `md`, `csv`, `html`,
    /// `pdf`, `zip`, `png`, `jpg`/`jpeg`, `gif`, `webp`, `mp3`, `mp4`, `mpeg`,
    /// `mpga`, `m4a`, `wav`, `webm`, `ogg`, `flac`; anything else (`jsonl`
    /// included) is `application/octet-stream`.
    pub fn mime_type(&self) -> &str {
        self.mime
            .as_deref()
            .unwrap_or_else(|| mime_from_name(&self.name))
    }

    /// Where the content comes from: a path, bytes, or a part of a file.
    pub fn source(&self) -> FileSource<'_> {
        match &self.content {
            Content::Path(p) => FileSource::Path(p),
            Content::Bytes(b) => FileSource::Bytes(b),
            Content::Part { path, offset, len } => FileSource::Part {
                path,
                offset: *offset,
                len: *len,
            },
        }
    }
}

impl Default for FileUpload {
    /// An empty in-memory file named `upload`: what an upload params value
    /// holds before its file is set.
    fn default() -> Self {
        Self::bytes(FALLBACK_NAME, Vec::new())
    }
}

impl fmt::Debug for FileUpload {
    // Never the bytes: they may be large or private.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("FileUpload");
        d.field("file_name", &self.name)
            .field("mime_type", &self.mime_type());
        match &self.content {
            Content::Path(p) => d.field("path", p),
            Content::Bytes(b) => d.field("len", &b.len()),
            Content::Part { path, offset, len } => d
                .field("path", path)
                .field("offset", offset)
                .field("len", len),
        };
        d.finish()
    }
}

impl From<PathBuf> for FileUpload {
    fn from(path: PathBuf) -> Self {
        Self::path(path)
    }
}

impl From<&Path> for FileUpload {
    fn from(path: &Path) -> Self {
        Self::path(path)
    }
}

impl From<(String, Vec<u8>)> for FileUpload {
    /// `(file name, bytes)`.
    fn from((name, bytes): (String, Vec<u8>)) -> Self {
        Self::bytes(name, bytes)
    }
}

/// In JSON a file is its name: upload params never travel as JSON (they go
/// as multipart, the file as a part of its own), and a name is what a log or
/// a debug dump of the params should show.
impl serde::Serialize for FileUpload {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

/// A file name read from JSON becomes an empty in-memory file of that name
/// (files do not come from JSON; this keeps params round-trippable).
impl<'de> serde::Deserialize<'de> for FileUpload {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(Self::bytes(name, Vec::new()))
    }
}

// ===== impl FileSource =====

impl fmt::Debug for FileSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Self::Bytes(b) => f.debug_struct("Bytes").field("len", &b.len()).finish(),
            Self::Part { path, offset, len } => f
                .debug_struct("Part")
                .field("path", path)
                .field("offset", offset)
                .field("len", len)
                .finish(),
        }
    }
}

/// The MIME type for `name`'s extension.
// `jsonl` is left out on purpose: the Python SDK sends such files as
// `application/octet-stream` (`reference/client.md` section 10), which the API
// accepts for fine-tuning and batch files.
fn mime_from_name(name: &str) -> &'static str {
    let Some((_, ext)) = name.rsplit_once('.') else {
        return OCTET_STREAM;
    };
    const TABLE: &[(&str, &str)] = &[
        ("json", "application/json"),
        ("txt", "text/plain"),
        ("md", "text/markdown"),
        ("csv", "text/csv"),
        ("html", "text/html"),
        ("pdf", "application/pdf"),
        ("zip", "application/zip"),
        ("png", "image/png"),
        ("jpg", "image/jpeg"),
        ("jpeg", "image/jpeg"),
        ("gif", "image/gif"),
        ("webp", "image/webp"),
        ("mp3", "audio/mpeg"),
        ("mp4", "video/mp4"),
        ("mpeg", "video/mpeg"),
        ("mpga", "audio/mpeg"),
        ("m4a", "audio/mp4"),
        ("wav", "audio/wav"),
        ("webm", "video/webm"),
        ("ogg", "audio/ogg"),
        ("flac", "audio/flac"),
    ];
    TABLE
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(ext))
        .map_or(OCTET_STREAM, |(_, mime)| mime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_named_by_its_last_component() {
        let upload = FileUpload::path("dir/sub/README.md");
        assert_eq!(upload.file_name(), "README.md");
        assert_eq!(upload.mime_type(), "text/markdown");
        assert_eq!(
            upload.source(),
            FileSource::Path(Path::new("dir/sub/README.md"))
        );
        assert_eq!(FileUpload::path("..").file_name(), "upload");
        assert_eq!(FileUpload::path("").file_name(), "upload");
    }

    #[test]
    fn mime_is_guessed_from_the_extension() {
        let cases = [
            ("a.json", "application/json"),
            ("a.JPG", "image/jpeg"),
            ("a.tar.zip", "application/zip"),
            ("a.jsonl", OCTET_STREAM),
            ("a.bin", OCTET_STREAM),
            ("noext", OCTET_STREAM),
            ("trailing.", OCTET_STREAM),
            (".wav", "audio/wav"),
        ];
        for (name, mime) in cases {
            assert_eq!(FileUpload::bytes(name, []).mime_type(), mime, "{name}");
        }
    }

    #[test]
    fn overrides_win() {
        let upload = FileUpload::path("x.png").with_file_name("y.gif");
        assert_eq!(upload.file_name(), "y.gif");
        assert_eq!(upload.mime_type(), "image/gif");
        let upload = upload.mime("text/x-custom").with_file_name("z.png");
        assert_eq!(upload.mime_type(), "text/x-custom");
        let made = FileUpload::new("a.txt", "hi", "text/csv");
        assert_eq!(made.mime_type(), "text/csv");
        assert_eq!(made.source(), FileSource::Bytes(b"hi"));
    }

    #[test]
    fn clones_share_bytes() {
        let upload = FileUpload::bytes("a.bin", vec![7u8; 1024]);
        let copy = upload.clone();
        let (FileSource::Bytes(a), FileSource::Bytes(b)) = (upload.source(), copy.source()) else {
            panic!("bytes uploads");
        };
        assert!(std::ptr::eq(a, b));
        assert_eq!(upload, copy);
    }

    #[test]
    fn debug_never_prints_the_bytes() {
        let upload = FileUpload::bytes("secret.txt", "hunter2");
        let shown = format!("{upload:?} {:?}", upload.source());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("104"), "{shown}");
        assert!(
            shown.contains("secret.txt") && shown.contains("len: 7"),
            "{shown}"
        );
    }

    #[test]
    fn conversions_and_default() {
        let from_buf: FileUpload = PathBuf::from("/tmp/a.pdf").into();
        let from_ref: FileUpload = Path::new("/tmp/a.pdf").into();
        assert_eq!(from_buf, from_ref);
        assert_eq!(from_buf.mime_type(), "application/pdf");
        let pair: FileUpload = ("b.csv".to_owned(), b"x,y".to_vec()).into();
        assert_eq!(pair.mime_type(), "text/csv");
        let empty = FileUpload::default();
        assert_eq!(empty.file_name(), "upload");
        assert_eq!(empty.source(), FileSource::Bytes(&[]));
    }
}
