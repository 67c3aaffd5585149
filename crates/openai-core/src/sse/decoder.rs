//! A sans-I/O decoder that turns the bytes of a `text/event-stream` body into [`Event`]s.
//!
//! The decoder never reads, spawns or waits. Its caller (the `Stream` that polls an HTTP body)
//! hands it each body chunk with [`Decoder::feed`], takes the events that chunk completes with
//! [`Decoder::next_event`] until it returns `None`, then polls the body again. When the body
//! ends it calls [`Decoder::finish`].
//!
//! # Design
//!
//! Each chunk is scanned once with `memchr2(b'\r', b'\n')`; bytes already scanned are never
//! looked at again. A line that lies wholly in one chunk is used in place: the value of a
//! `data` or `event` line is kept as a range of the chunk and becomes a [`Bytes`] slice of it
//! (a reference count, no copy) when the event is dispatched; when the event ends the chunk,
//! the event takes the chunk over. So an event made of one `data` line costs no allocation. Only the unterminated tail of a
//! chunk is copied, into one growable buffer, and only while it may belong to a field that is
//! kept: once a partial line is known to be a comment or an unknown field its bytes are
//! dropped as they arrive. Several `data` lines are joined into one new buffer. Consumed chunks
//! are released as soon as nothing refers to them, so memory stays flat on long streams.

use std::collections::VecDeque;
use std::fmt;

use bytes::{Buf, Bytes, BytesMut};

/// The capacity the line buffer keeps between lines; a longer line's buffer is freed.
const KEPT_LINE_CAPACITY: usize = 64 * 1024;

/// The longest field name kept, plus one for its colon.
const NAME_WINDOW: usize = "retry:".len();

/// Incremental decoder of a `text/event-stream` body.
///
/// Feed chunks of any size (empty ones included) with [`feed`](Self::feed), drain events with
/// [`next_event`](Self::next_event), and call [`finish`](Self::finish) at the end of the body.
/// The decoder does no I/O. Each chunk is scanned once, and an event made of one `data` line
/// that arrived in one chunk shares that chunk instead of copying it.
///
/// # Rules
///
/// The rules are the WHATWG `EventSource` parser's, as the OpenAI Python SDK applies them:
///
/// * A line ends at `\n`, `\r` or `\r\n`; the pair counts once even when a chunk boundary falls
///   between its two bytes. No other character (U+2028, U+0085, ...) ends a line.
/// * Lines have no size limit. A line is checked as strict UTF-8 once it is complete, so a
///   character split across chunks is fine; invalid UTF-8 is an [`SseError`].
/// * A blank line dispatches the event being built, unless it has no `event`, no `data`, no
///   `retry` and no last event id (so runs of blank lines yield nothing).
/// * `name:value`, split at the first `:`; one space after the colon is dropped; a line without
///   a colon is a field with an empty value. `event` sets the name (empty means none), `data`
///   adds a line (lines are joined with `\n`), `id` sets the last event id unless it contains
///   NUL (it persists across events, as the WHATWG spec says), `retry` takes a decimal integer.
///   Comments (`:...`) and unknown fields are ignored.
/// * When the input ends, an event without its terminating blank line is dropped.
/// * One UTF-8 byte-order mark at the very start of the input is dropped (the WHATWG rule;
///   the Python SDK keeps it, which turns the first field into an unknown one).
///
/// Differences from the Python SDK, all on inputs OpenAI does not send: comment lines and
/// unknown fields are not checked for UTF-8 (their bytes are never kept); `retry` accepts ASCII
/// digits that fit a `u64` (Python's `int()` also takes a sign, spaces and `_`); an empty `id`
/// reads back as `None`.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use openai_core::sse::Decoder;
///
/// let mut decoder = Decoder::new();
/// decoder.feed(Bytes::from_static(b"event: ping\ndata: {\"a\":"));
/// assert!(decoder.next_event().is_none()); // the data line is not complete yet
///
/// decoder.feed(Bytes::from_static(b"1}\n\ndata: [DONE]\n\ndata: cut off"));
/// let event = decoder.next_event().unwrap()?;
/// assert_eq!(event.event(), Some("ping"));
/// assert_eq!(event.data(), r#"{"a":1}"#);
/// let event = decoder.next_event().unwrap()?;
/// assert_eq!((event.event(), event.data()), (None, "[DONE]"));
/// assert!(decoder.next_event().is_none());
///
/// // End of body: the event that never got its blank line is dropped.
/// assert!(decoder.finish().is_none());
/// assert!(!decoder.has_partial());
/// # Ok::<(), openai_core::sse::SseError>(())
/// ```
#[derive(Default)]
pub struct Decoder {
    /// The chunk being scanned; the bytes before `pos` are consumed.
    chunk: Bytes,
    pos: usize,
    /// Chunks fed while `chunk` still had bytes to scan.
    queue: VecDeque<Bytes>,
    /// The start of a line whose terminator has not arrived yet.
    line: BytesMut,
    /// The unterminated line is a comment or an unknown field: its bytes are not kept.
    skipping_line: bool,
    /// The last byte scanned was `\r`, so a `\n` right after it ends nothing.
    after_cr: bool,
    // The event being built.
    event: Option<Value>,
    data: Data,
    retry: Option<u64>,
    /// Persists across events (reference/streaming.md: a.2); only `finish` clears it.
    last_id: Option<Bytes>,
    /// `data` lines are not checked as UTF-8 here: the typed stream checks each event's
    /// data once, as it parses it. Events of such a decoder never leave the crate.
    defer_data_check: bool,
    /// How many bytes of a leading byte-order mark have arrived ([`BOM_DONE`] once the
    /// start of the input is known to hold none, or it was dropped).
    bom: u8,
}

/// The UTF-8 byte-order mark, dropped at the very start of the input.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// [`Decoder::bom`] once the start of the input is settled.
const BOM_DONE: u8 = u8::MAX;

/// One server-sent event, as dispatched by a blank line.
///
/// The text of the event is UTF-8, checked once when the event was decoded. `data` and the
/// name may share the body chunk they arrived in, so holding an `Event` keeps that chunk alive.
#[derive(Clone, PartialEq, Eq)]
pub struct Event {
    // NOTE: every field holds bytes the decoder checked as UTF-8; `as_str` relies on it.
    event: Option<Bytes>,
    data: Bytes,
    id: Option<Bytes>,
    retry: Option<u64>,
}

/// Why a server-sent event stream could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SseError {
    /// The value of an `event`, `data`, `id` or `retry` line is not valid UTF-8.
    ///
    /// The line is discarded, and so is the event it belonged to.
    #[non_exhaustive]
    InvalidUtf8 {
        /// The field name of the line: `"event"`, `"data"`, `"id"` or `"retry"`.
        field: &'static str,
        /// How many bytes of the value are valid before the first invalid sequence.
        valid_up_to: usize,
    },
}

// ===== impl Decoder =====

impl Decoder {
    /// An empty decoder: no input, no event being built, no last event id.
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder that leaves the UTF-8 check of `data` to the caller, which must read
    /// it with [`Event::data_bytes`] and check it (never [`Event::data`]).
    pub(crate) fn deferring_data_check() -> Self {
        Self {
            defer_data_check: true,
            ..Self::default()
        }
    }

    /// Hands the decoder the next chunk of the body. Empty chunks are allowed.
    ///
    /// Nothing is decoded yet; call [`next_event`](Self::next_event) until it returns `None`.
    /// Chunks fed before the previous ones are drained are queued, in order.
    pub fn feed(&mut self, mut chunk: Bytes) {
        if self.bom != BOM_DONE && !self.strip_bom(&mut chunk) {
            return;
        }
        self.push_chunk(chunk);
    }

    /// Drops a byte-order mark at the start of the input, even one split across chunks.
    /// Returns whether `chunk` still has bytes.
    fn strip_bom(&mut self, chunk: &mut Bytes) -> bool {
        let matched = usize::from(self.bom);
        let want = &BOM[matched..];
        let n = want.len().min(chunk.len());
        if chunk[..n] == want[..n] {
            chunk.advance(n);
            self.bom = if n == want.len() {
                BOM_DONE
            } else {
                // n < 3: fits.
                self.bom + n as u8
            };
            return !chunk.is_empty();
        }
        // Not a byte-order mark: the bytes held back are input after all.
        self.bom = BOM_DONE;
        if matched > 0 {
            self.push_chunk(Bytes::from_static(&BOM[..matched]));
        }
        true
    }

    fn push_chunk(&mut self, chunk: Bytes) {
        if chunk.is_empty() {
            return;
        }
        if self.pos == self.chunk.len() {
            self.replace_chunk(chunk);
        } else {
            self.queue.push_back(chunk);
        }
    }

    /// The next complete event in the input fed so far, or `None` when more input is needed.
    ///
    /// # Errors
    ///
    /// [`SseError::InvalidUtf8`] if a complete `event`, `data`, `id` or `retry` line is not
    /// valid UTF-8. That line and the event being built are discarded; decoding may go on with
    /// the next line, though a stream would normally end here.
    pub fn next_event(&mut self) -> Option<Result<Event, SseError>> {
        loop {
            if self.pos == self.chunk.len() && !self.next_chunk() {
                return None;
            }
            if let Some(event) = self.simple_event() {
                return Some(Ok(event));
            }
            if self.after_cr {
                self.after_cr = false;
                if self.chunk[self.pos] == b'\n' {
                    self.pos += 1;
                    continue;
                }
            }
            let start = self.pos;
            let rest = &self.chunk[start..];
            // Every event ends with a blank line: find it without a search.
            let len = if matches!(rest[0], b'\n' | b'\r') {
                0
            } else if let Some(len) = memchr::memchr2(b'\n', b'\r', rest) {
                len
            } else {
                self.keep_tail(start);
                continue;
            };
            let end = start + len;
            self.pos = end + 1;
            if self.chunk[end] == b'\r' {
                match self.chunk.get(self.pos) {
                    Some(b'\n') => self.pos += 1,
                    Some(_) => {}
                    // reference/streaming.md a.1: the pair may straddle two chunks.
                    None => self.after_cr = true,
                }
            }
            let out = if self.skipping_line {
                self.skipping_line = false;
                None
            } else if self.line.is_empty() {
                self.on_line(Line::Chunk(start, end))
            } else {
                self.line.extend_from_slice(&self.chunk[start..end]);
                self.on_line(Line::Buffered)
            };
            if out.is_some() {
                return out;
            }
        }
    }

    /// The common event, taken without the line-by-line machinery: one `data: ` line
    /// ending in `\n` and a blank line `\n`, whole in the current chunk, with nothing of
    /// another event pending. Anything else (`\r`, other fields, an event split across
    /// chunks, text that is not UTF-8) is left to the general path, which gives the same
    /// result.
    fn simple_event(&mut self) -> Option<Event> {
        if self.after_cr
            || self.skipping_line
            || !self.line.is_empty()
            || self.event.is_some()
            || !matches!(self.data, Data::None)
            || self.retry.is_some()
        {
            return None;
        }
        const PREFIX: &[u8] = b"data: ";
        let rest = self.chunk.get(self.pos..)?.strip_prefix(PREFIX)?;
        let len = memchr::memchr2(b'\n', b'\r', rest)?;
        if rest[len] != b'\n' || rest.get(len + 1) != Some(&b'\n') {
            return None;
        }
        if !self.defer_data_check && std::str::from_utf8(&rest[..len]).is_err() {
            return None;
        }
        let start = self.pos + PREFIX.len();
        let end = start + len;
        self.pos = end + 2;
        let data = self.take_range(start, end);
        Some(Event {
            event: None,
            data,
            id: self.last_id.clone(),
            retry: None,
        })
    }

    /// Ends the input: returns the complete events still pending, one per call, then handles
    /// the unterminated rest, resets the decoder and returns `None`.
    ///
    /// Per the rules an event without its terminating blank line is dropped, so once the
    /// events fed so far have been drained with [`next_event`](Self::next_event) this returns
    /// `None` (or the error below). After it has returned `None` the decoder is as new, the
    /// last event id included, and can decode another stream.
    ///
    /// # Errors
    ///
    /// The errors of [`next_event`](Self::next_event), which include, as in the reference
    /// (which decodes the unterminated last line too), a final unterminated `event`, `data`,
    /// `id` or `retry` line that is not valid UTF-8, for example a body cut inside a character.
    /// The decoder is reset before that last error is returned.
    pub fn finish(&mut self) -> Option<Result<Event, SseError>> {
        if let Some(out) = self.next_event() {
            return Some(out);
        }
        // reference/streaming.md a.1: the unterminated line is decoded as a final line. It
        // is not blank, so it cannot dispatch; only its UTF-8 check can fail.
        let out = if self.skipping_line || self.line.is_empty() {
            None
        } else {
            self.on_line(Line::Buffered)
        };
        *self = Self {
            defer_data_check: self.defer_data_check,
            ..Self::default()
        };
        out
    }

    /// Whether the decoder holds input that has not yet become an event or been discarded:
    /// an incomplete line, fields of an event not yet dispatched, or fed chunks not yet read
    /// by [`next_event`](Self::next_event).
    ///
    /// The last event id is not counted: it outlives events by design. The bytes of a partial
    /// comment or unknown field are not counted either, because they are not kept.
    pub fn has_partial(&self) -> bool {
        !self.line.is_empty()
            || self.event.is_some()
            || !matches!(self.data, Data::None)
            || self.retry.is_some()
            || self.pos < self.chunk.len()
            || !self.queue.is_empty()
    }

    /// The last event id seen (it persists across events until [`finish`](Self::finish)).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_ref().map(as_str)
    }

    /// Moves to the next queued chunk; when there is none, releases the consumed one.
    fn next_chunk(&mut self) -> bool {
        match self.queue.pop_front() {
            Some(chunk) => {
                self.replace_chunk(chunk);
                true
            }
            None => {
                if !self.chunk.is_empty() {
                    self.replace_chunk(Bytes::new());
                }
                false
            }
        }
    }

    /// How many bytes the decoder holds for the event being built: its `event` and
    /// `data` values and the start of an unterminated line. Once
    /// [`next_event`](Self::next_event) has returned `None`, that is all it holds, so a
    /// caller can bound the memory one event takes.
    pub(crate) fn pending_len(&self) -> usize {
        let value_len = |value: &Value| match value {
            Value::Range(start, end) => end - start,
            Value::Bytes(bytes) => bytes.len(),
        };
        let data = match &self.data {
            Data::None => 0,
            Data::One(value) => value_len(value),
            Data::Joined(joined) => joined.len(),
        };
        self.line.len() + data + self.event.as_ref().map_or(0, value_len)
    }

    /// Replaces the consumed chunk; values that point into it get their own reference first.
    fn replace_chunk(&mut self, next: Bytes) {
        if let Some(Value::Range(start, end)) = self.event {
            self.event = Some(Value::Bytes(self.chunk.slice(start..end)));
        }
        if let Data::One(Value::Range(start, end)) = self.data {
            self.data = Data::One(Value::Bytes(self.chunk.slice(start..end)));
        }
        self.chunk = next;
        self.pos = 0;
    }

    /// `chunk[start..end]`. When the chunk is consumed, the value takes it over, which
    /// saves a reference count (one event per chunk is the common case).
    fn take_range(&mut self, start: usize, end: usize) -> Bytes {
        if self.pos == self.chunk.len() {
            let mut chunk = std::mem::take(&mut self.chunk);
            self.pos = 0;
            chunk.truncate(end);
            chunk.advance(start);
            chunk
        } else {
            self.chunk.slice(start..end)
        }
    }

    /// The bytes of a value, as a new reference to the chunk if it is a range of it.
    fn value_bytes(&self, value: Value) -> Bytes {
        match value {
            Value::Range(start, end) => self.chunk.slice(start..end),
            Value::Bytes(bytes) => bytes,
        }
    }

    /// Carries the unterminated rest of the chunk, from `start`, over to the next chunk.
    fn keep_tail(&mut self, start: usize) {
        if !self.skipping_line {
            self.line.extend_from_slice(&self.chunk[start..]);
            // Decided from the first few bytes only, so a long line is not re-scanned.
            if field_of_partial(&self.line) == Some(Field::Ignored) {
                self.clear_line();
                self.skipping_line = true;
            }
        }
        self.pos = self.chunk.len();
    }

    /// Applies one complete line, which is either in the current chunk or in `self.line`.
    fn on_line(&mut self, src: Line) -> Option<Result<Event, SseError>> {
        let line: &[u8] = match src {
            Line::Chunk(start, end) => &self.chunk[start..end],
            Line::Buffered => &self.line,
        };
        if line.is_empty() {
            return self.dispatch();
        }
        let (field, at) = split_field(line);
        let value = &line[at..];
        let checked = match field {
            Field::Ignored => Ok(()),
            Field::Data if self.defer_data_check => Ok(()),
            _ => std::str::from_utf8(value).map(drop),
        };
        if let Err(err) = checked {
            self.clear_line();
            self.event = None;
            self.data = Data::None;
            self.retry = None;
            return Some(Err(SseError::InvalidUtf8 {
                field: field.name(),
                valid_up_to: err.valid_up_to(),
            }));
        }
        match field {
            Field::Data => {
                let value = match src {
                    Line::Chunk(start, end) => Value::Range(start + at, end),
                    Line::Buffered => {
                        // The buffer becomes the value: a long data line is not copied, and
                        // the decoder does not keep its capacity once the event is gone.
                        let mut line = std::mem::take(&mut self.line).freeze();
                        line.advance(at);
                        Value::Bytes(line)
                    }
                };
                self.push_data(value);
            }
            Field::Event if value.is_empty() => self.event = None,
            Field::Event => {
                self.event = Some(match src {
                    Line::Chunk(start, end) => Value::Range(start + at, end),
                    Line::Buffered => Value::Bytes(Bytes::copy_from_slice(value)),
                });
            }
            // An id that persists gets its own allocation so that it does not pin a chunk.
            Field::Id if value.is_empty() => self.last_id = None,
            Field::Id if memchr::memchr(0, value).is_none() => {
                self.last_id = Some(Bytes::copy_from_slice(value));
            }
            Field::Retry => {
                if let Some(retry) = parse_retry(value) {
                    self.retry = Some(retry);
                }
            }
            Field::Id | Field::Ignored => {}
        }
        self.clear_line();
        None
    }

    /// Empties the line buffer, giving back the memory of an unusually long line.
    fn clear_line(&mut self) {
        if self.line.capacity() > KEPT_LINE_CAPACITY {
            self.line = BytesMut::new();
        } else {
            self.line.clear();
        }
    }

    fn push_data(&mut self, value: Value) {
        self.data = match std::mem::take(&mut self.data) {
            Data::None => Data::One(value),
            Data::One(first) => {
                let (first, value) = (self.value_slice(&first), self.value_slice(&value));
                let mut joined = Vec::with_capacity(first.len() + 1 + value.len());
                joined.extend_from_slice(first);
                joined.push(b'\n');
                joined.extend_from_slice(value);
                Data::Joined(joined)
            }
            Data::Joined(mut joined) => {
                joined.push(b'\n');
                joined.extend_from_slice(self.value_slice(&value));
                Data::Joined(joined)
            }
        };
    }

    fn value_slice<'a>(&'a self, value: &'a Value) -> &'a [u8] {
        match value {
            Value::Range(start, end) => &self.chunk[*start..*end],
            Value::Bytes(bytes) => bytes,
        }
    }

    /// The blank-line rule of reference/streaming.md a.2.
    fn dispatch(&mut self) -> Option<Result<Event, SseError>> {
        let event = self.event.take().map(|name| self.value_bytes(name));
        let retry = self.retry.take();
        let data = match std::mem::take(&mut self.data) {
            Data::None if event.is_none() && retry.is_none() && self.last_id.is_none() => {
                return None;
            }
            Data::None => Bytes::new(),
            Data::One(Value::Range(start, end)) => self.take_range(start, end),
            Data::One(data) => self.value_bytes(data),
            Data::Joined(data) => Bytes::from(data),
        };
        Some(Ok(Event {
            event,
            data,
            id: self.last_id.clone(),
            retry,
        }))
    }
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Sizes only: the buffers may hold megabytes of a body.
        f.debug_struct("Decoder")
            .field("unread", &(self.chunk.len() - self.pos))
            .field("queued_chunks", &self.queue.len())
            .field("partial_line", &self.line.len())
            .field("has_partial", &self.has_partial())
            .field("last_event_id", &self.last_event_id())
            .finish_non_exhaustive()
    }
}

// ===== impl Event =====

impl Event {
    /// The event name from the `event` field, or `None` if there was none (or it was empty).
    pub fn event(&self) -> Option<&str> {
        self.event.as_ref().map(as_str)
    }

    /// The `data` lines joined with `\n`; empty if the event had no `data` line.
    ///
    /// This re-reads the UTF-8 checked at decode time (an ASCII-speed scan); a parser that
    /// takes bytes, such as `serde_json::from_slice`, can use [`data_bytes`](Self::data_bytes).
    pub fn data(&self) -> &str {
        as_str(&self.data)
    }

    /// The bytes of [`data`](Self::data), which are valid UTF-8.
    pub fn data_bytes(&self) -> &[u8] {
        &self.data
    }

    /// The last event id seen on the stream up to this event (it persists across events).
    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(as_str)
    }

    /// The reconnection time in milliseconds from a `retry` field of this event.
    ///
    /// The SDK does not reconnect; the value is only reported.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("event", &self.event())
            .field("data", &self.data())
            .field("id", &self.id())
            .field("retry", &self.retry)
            .finish()
    }
}

// ===== impl SseError =====

impl fmt::Display for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUtf8 { field, valid_up_to } => write!(
                f,
                "invalid utf-8 in server-sent event `{field}` line after {valid_up_to} bytes of value"
            ),
        }
    }
}

impl std::error::Error for SseError {}

// ===== private =====

/// The `data` lines of the event being built.
#[derive(Default)]
enum Data {
    #[default]
    None,
    /// One line.
    One(Value),
    /// Two lines or more, joined with `\n`.
    Joined(Vec<u8>),
}

/// A checked `event` or `data` value of the event being built.
enum Value {
    /// `chunk[start..end]`: no reference is taken until the event is dispatched or the chunk
    /// is replaced (`replace_chunk`).
    Range(usize, usize),
    /// A value that came in a carried-over line or outlived its chunk.
    Bytes(Bytes),
}

/// Where a complete line is.
#[derive(Clone, Copy)]
enum Line {
    /// `chunk[start..end]`, with no carried-over start in `line`.
    Chunk(usize, usize),
    /// All of `line`.
    Buffered,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Event,
    Data,
    Id,
    Retry,
    Ignored,
}

impl Field {
    fn from_name(name: &[u8]) -> Self {
        match name {
            b"data" => Self::Data,
            b"event" => Self::Event,
            b"id" => Self::Id,
            b"retry" => Self::Retry,
            _ => Self::Ignored,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Data => "data",
            Self::Id => "id",
            Self::Retry => "retry",
            Self::Ignored => "",
        }
    }
}

/// Splits a complete, non-empty line into its field and the offset of its value.
fn split_field(line: &[u8]) -> (Field, usize) {
    let head = &line[..line.len().min(NAME_WINDOW)];
    match head.iter().position(|&b| b == b':') {
        Some(colon) => {
            // One space after the colon belongs to the syntax, not to the value.
            let space = line.get(colon + 1) == Some(&b' ');
            (
                Field::from_name(&line[..colon]),
                colon + 1 + usize::from(space),
            )
        }
        // No colon: the whole line is the name and the value is empty.
        None if line.len() < NAME_WINDOW => (Field::from_name(line), line.len()),
        None => (Field::Ignored, line.len()),
    }
}

/// The field of an unterminated line if its first bytes already decide it.
fn field_of_partial(start: &[u8]) -> Option<Field> {
    let head = &start[..start.len().min(NAME_WINDOW)];
    match head.iter().position(|&b| b == b':') {
        Some(colon) => Some(Field::from_name(&head[..colon])),
        None if head.len() == NAME_WINDOW => Some(Field::Ignored),
        None => {
            let names: [&[u8]; 4] = [b"event", b"data", b"id", b"retry"];
            let may_be_kept = names.iter().any(|name| name.starts_with(head));
            (!may_be_kept).then_some(Field::Ignored)
        }
    }
}

/// WHATWG: the value must be ASCII digits; anything else leaves `retry` unchanged.
fn parse_retry(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

fn as_str(bytes: &Bytes) -> &str {
    // NOTE: `Event` and `Decoder` only store bytes that `on_line` checked as UTF-8.
    std::str::from_utf8(bytes).expect("server-sent event text is checked as UTF-8 when decoded")
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    const ENDINGS: [&str; 3] = ["\n", "\r", "\r\n"];

    /// Feeds `chunks` one by one, draining after each, then finishes; checks nothing is left.
    #[test]
    fn a_leading_byte_order_mark_is_dropped_even_split_across_chunks() {
        let input: &[u8] = b"\xEF\xBB\xBFdata: a\n\n\xEF\xBB\xBFdata: b\n\n";
        for cut in 0..=4 {
            let (first, rest) = input.split_at(cut);
            let events = decode([first, &rest[..1], &rest[1..]]);
            let data: Vec<&str> = events.iter().map(Event::data).collect();
            // Only the mark at the start goes: the second one begins an unknown field.
            assert_eq!(data, ["a"], "cut at {cut}");
        }
        // Bytes that only start like a mark are input (here, a comment).
        let events = decode([&b"\xEF"[..], b": c\n\ndata: x\n\n"]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data(), "x");
        // A reused decoder drops the mark of the next stream too.
        let mut decoder = Decoder::new();
        decoder.feed(Bytes::from_static(b"data: 1\n\n"));
        assert_eq!(decoder.next_event().unwrap().unwrap().data(), "1");
        assert!(decoder.finish().is_none());
        decoder.feed(Bytes::from_static(b"\xEF\xBB\xBFdata: 2\n\n"));
        assert_eq!(decoder.next_event().unwrap().unwrap().data(), "2");
    }

    fn decode<C: AsRef<[u8]>>(chunks: impl IntoIterator<Item = C>) -> Vec<Event> {
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        for chunk in chunks {
            decoder.feed(Bytes::copy_from_slice(chunk.as_ref()));
            while let Some(event) = decoder.next_event() {
                events.push(event.unwrap());
            }
        }
        while let Some(event) = decoder.finish() {
            events.push(event.unwrap());
        }
        assert!(!decoder.has_partial());
        assert_eq!(decoder.last_event_id(), None);
        events
    }

    fn fragments(input: &[u8], size: usize) -> Vec<&[u8]> {
        input.chunks(size).collect()
    }

    fn json(event: &Event) -> serde_json::Value {
        serde_json::from_str(event.data()).unwrap()
    }

    /// Every event and error of `input` fed in pieces of `size` bytes.
    fn outcomes(input: &[u8], size: usize) -> Vec<Result<Event, SseError>> {
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        for piece in input.chunks(size) {
            decoder.feed(Bytes::copy_from_slice(piece));
            out.extend(std::iter::from_fn(|| decoder.next_event()));
        }
        out.extend(std::iter::from_fn(|| decoder.finish()));
        out
    }

    #[test]
    fn the_common_event_shape_decodes_as_the_general_rules_say() {
        // One byte per feed never holds a whole event, so it takes the general
        // path only; larger pieces take the fast one where they can.
        let input: &[u8] = b"data: {\"a\":1}\n\ndata: \n\nid: 7\ndata: x\n\ndata: y\n\n\
            data: crlf\r\n\r\ndata: bare\r\rdata:nospace\n\n: note\ndata: z\n\n\
            data: two\ndata: lines\n\nevent: e\ndata: named\n\ndata: \xff\n\n\
            data: \xc3\xa9\n\nretry: 5\ndata: r\n\ndata: last\n\n";
        let reference = outcomes(input, 1);
        assert_eq!(reference.len(), 15, "{reference:?}");
        for size in 2..=input.len() {
            assert_eq!(outcomes(input, size), reference, "pieces of {size}");
        }
    }

    // reference/streaming.md a.4

    #[test]
    fn case_16_1_basic() {
        let events = decode(["event: completion\n", "data: {\"foo\":true}\n", "\n"]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event(), Some("completion"));
        assert_eq!(json(&events[0]), json!({"foo": true}));
        assert_eq!(events[0].id(), None);
        assert_eq!(events[0].retry(), None);
    }

    #[test]
    fn case_16_2_data_missing_event() {
        let events = decode(["data: {\"foo\":true}\n", "\n"]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event(), None);
        assert_eq!(json(&events[0]), json!({"foo": true}));
    }

    #[test]
    fn case_16_2_event_missing_data() {
        let events = decode(["event: ping\n", "\n"]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event(), Some("ping"));
        assert_eq!(events[0].data(), "");
    }

    #[test]
    fn case_16_3_multiple_events() {
        let events = decode(["event: ping\n", "\n", "event: completion\n", "\n"]);
        let got: Vec<_> = events.iter().map(|e| (e.event(), e.data())).collect();
        assert_eq!(got, [(Some("ping"), ""), (Some("completion"), "")]);
    }

    #[test]
    fn case_16_3_multiple_events_with_data() {
        let events = decode([
            "event: ping\n",
            "data: {\"foo\":true}\n",
            "\n",
            "event: completion\n",
            "data: {\"bar\":false}\n",
            "\n",
        ]);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].event(), Some("ping"));
        assert_eq!(json(&events[0]), json!({"foo": true}));
        assert_eq!(events[1].event(), Some("completion"));
        assert_eq!(json(&events[1]), json!({"bar": false}));
    }

    #[test]
    fn case_16_4_multiple_data_lines_with_empty_line() {
        let events = decode([
            "event: ping\n",
            "data: {\n",
            "data: \"foo\":\n",
            "data: \n",
            "data:\n",
            "data: true}\n",
            "\n\n",
        ]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event(), Some("ping"));
        assert_eq!(events[0].data(), "{\n\"foo\":\n\n\ntrue}");
        assert_eq!(json(&events[0]), json!({"foo": true}));
    }

    #[test]
    fn case_16_5_data_json_escaped_double_new_line() {
        let events = decode([
            "event: ping\n",
            r#"data: {"foo": "my long\n\ncontent"}"#,
            "\n\n",
        ]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event(), Some("ping"));
        assert_eq!(json(&events[0]), json!({"foo": "my long\n\ncontent"}));
    }

    #[test]
    fn case_16_4_multiple_data_lines() {
        let events = decode([
            "event: ping\n",
            "data: {\n",
            "data: \"foo\":\n",
            "data: true}\n",
            "\n\n",
        ]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event(), Some("ping"));
        assert_eq!(json(&events[0]), json!({"foo": true}));
    }

    #[test]
    fn case_16_6_special_new_line_character() {
        let events = decode([
            "data: {\"content\":\" culpa\"}\n",
            "\n",
            "data: {\"content\":\" \u{2028}\"}\n",
            "\n",
            "data: {\"content\":\"foo\"}\n",
            "\n",
        ]);
        let contents: Vec<_> = events
            .iter()
            .map(|e| (e.event(), json(e)["content"].clone()))
            .collect();
        assert_eq!(
            contents,
            [
                (None, json!(" culpa")),
                (None, json!(" \u{2028}")),
                (None, json!("foo"))
            ]
        );
    }

    #[test]
    fn case_16_7_multi_byte_character_multiple_chunks() {
        let chunks: [&[u8]; 5] = [
            b"data: {\"content\":\"",
            &[0xD0],
            &[0xB8, 0xD0, 0xB7, 0xD0],
            &[
                0xB2, 0xD0, 0xB5, 0xD1, 0x81, 0xD1, 0x82, 0xD0, 0xBD, 0xD0, 0xB8,
            ],
            b"\"}\n\n",
        ];
        let events = decode(chunks);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event(), None);
        assert_eq!(json(&events[0]), json!({"content": "известни"}));
    }

    // Framing (tests/test_sse_framing.py in the reference)

    #[test]
    fn case_16_8_unterminated_event_leaves_nothing_behind() {
        for line in [":x\n", "data:x\n", "ignored:x\n"] {
            let input = line.repeat(2000);
            for size in [1, 97, 100_000] {
                let events = decode(fragments(input.as_bytes(), size));
                assert!(events.is_empty(), "{line:?} in {size}-byte chunks");
            }
        }
        // The same after an id was set: `finish` forgets it.
        assert!(decode(["id: 7\ndata:x\n"]).is_empty());
    }

    #[test]
    fn case_16_8_every_chunk_boundary_with_an_empty_chunk() {
        for ending in ENDINGS {
            let input = format!("data:ok{ending}{ending}");
            for split in 0..=input.len() {
                let (a, b) = input.as_bytes().split_at(split);
                let events = decode([a, b"", b]);
                let data: Vec<_> = events.iter().map(Event::data).collect();
                assert_eq!(data, ["ok"], "ending {ending:?}, split at {split}");
            }
        }
    }

    #[test]
    fn case_16_8_many_complete_events_in_one_chunk() {
        let events = decode(["data:ok\n\n".repeat(2000)]);
        assert_eq!(events.len(), 2000);
        assert!(
            events
                .iter()
                .all(|e| e.data() == "ok" && e.event().is_none())
        );
    }

    #[test]
    fn case_16_8_event_larger_than_64_mib() {
        const MIB: usize = 1 << 20;
        let mut input = Vec::with_capacity(64 * MIB + 16);
        input.extend_from_slice(b"data:");
        input.resize(5 + 64 * MIB + 1, b'x');
        input.extend_from_slice(b"\n\n");
        let input = Bytes::from(input);

        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        for start in (0..input.len()).step_by(MIB) {
            decoder.feed(input.slice(start..input.len().min(start + MIB)));
            while let Some(event) = decoder.next_event() {
                events.push(event.unwrap());
            }
        }
        assert!(decoder.finish().is_none());
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data_bytes().len(), 64 * MIB + 1);
        assert!(events[0].data_bytes() == &input[5..input.len() - 2]);
    }

    #[test]
    fn case_16_8_large_line_with_non_ascii_across_fragments() {
        let value = format!("{}известни\u{2028}", "x".repeat(2 << 20));
        let input = format!("data:{value}\r\n\r\n");
        let events = decode(fragments(input.as_bytes(), 4093));
        assert_eq!(events.len(), 1);
        assert!(events[0].data() == value);
    }

    #[test]
    fn case_16_8_ten_thousand_data_lines_are_joined() {
        let events = decode(["data:x\n".repeat(10_000) + "\n"]);
        assert_eq!(events.len(), 1);
        assert!(events[0].data() == vec!["x"; 10_000].join("\n"));
    }

    #[test]
    fn case_16_8_mixed_endings_utf8_and_eof_one_byte_at_a_time() {
        let input = "id:one\r\ndata:известни\r\n\ndata:two\n\rdata:unfinished";
        let events = decode(fragments(input.as_bytes(), 1));
        let got: Vec<_> = events.iter().map(|e| (e.data(), e.id())).collect();
        assert_eq!(got, [("известни", Some("one")), ("two", Some("one"))]);
    }

    #[test]
    fn case_16_8_ignored_lines_are_discarded_incrementally() {
        for line in [":x\n", "ignored:x\n"] {
            let mut decoder = Decoder::new();
            for _ in 0..10_000 {
                decoder.feed(Bytes::from_static(line.as_bytes()));
                assert!(decoder.next_event().is_none());
                assert!(!decoder.has_partial());
            }
            // Byte by byte, the part of an ignored line that is kept stays within the name.
            for byte in line.repeat(1000).bytes() {
                decoder.feed(Bytes::copy_from_slice(&[byte]));
                assert!(decoder.next_event().is_none());
                assert!(decoder.line.len() < NAME_WINDOW);
            }
            decoder.feed(Bytes::from_static(b"data:ok\n"));
            decoder.feed(Bytes::from_static(b"\n"));
            let event = decoder.next_event().unwrap().unwrap();
            assert_eq!(event.data(), "ok");
            assert!(decoder.next_event().is_none());
            assert!(decoder.finish().is_none());
        }
    }

    #[test]
    fn partial_line_is_buffered_until_its_terminator() {
        // An unknown field (`xxx...` has no colon) is dropped as it arrives.
        let mut decoder = Decoder::new();
        for _ in 0..4096 {
            decoder.feed(Bytes::from_static(b"x"));
            assert!(decoder.next_event().is_none());
        }
        assert!(!decoder.has_partial());
        decoder.feed(Bytes::from_static(b"\n\n"));
        assert!(decoder.next_event().is_none());

        // A data line is kept whole.
        decoder.feed(Bytes::from_static(b"data:"));
        for _ in 0..4096 {
            decoder.feed(Bytes::from_static(b"x"));
            assert!(decoder.next_event().is_none());
            assert!(decoder.has_partial());
        }
        decoder.feed(Bytes::from_static(b"\n"));
        assert!(decoder.next_event().is_none());
        decoder.feed(Bytes::from_static(b"\n"));
        let event = decoder.next_event().unwrap().unwrap();
        assert_eq!(event.data(), "x".repeat(4096));
        assert!(!decoder.has_partial());
    }

    // Field rules (reference/streaming.md a.2)

    #[test]
    fn invalid_utf8_is_an_error_and_drops_the_event() {
        let mut decoder = Decoder::new();
        decoder.feed(Bytes::from_static(
            b"event: e\ndata: ok\ndata: a\xFFb\n\ndata: next\n\n",
        ));
        let err = decoder.next_event().unwrap().unwrap_err();
        assert_eq!(
            err,
            SseError::InvalidUtf8 {
                field: "data",
                valid_up_to: 1
            }
        );
        assert_eq!(
            err.to_string(),
            "invalid utf-8 in server-sent event `data` line after 1 bytes of value"
        );
        // The event being built is gone; decoding goes on.
        let event = decoder.next_event().unwrap().unwrap();
        assert_eq!((event.event(), event.data()), (None, "next"));
        assert!(decoder.next_event().is_none());

        for (input, field) in [
            (&b"event: \xC3\n"[..], "event"),
            (b"id: \xE2\x80\n", "id"),
            (b"retry: \x80\n", "retry"),
        ] {
            let mut decoder = Decoder::new();
            decoder.feed(Bytes::from_static(input));
            let err = decoder.next_event().unwrap().unwrap_err();
            assert_eq!(
                err,
                SseError::InvalidUtf8 {
                    field,
                    valid_up_to: 0
                }
            );
        }

        // Ignored lines are not read, so not checked.
        assert!(decode([&b": \xFF\nfoo: \xFF\n\n"[..]]).is_empty());
    }

    #[test]
    fn body_cut_inside_a_character_fails_at_finish() {
        let mut decoder = Decoder::new();
        decoder.feed(Bytes::from_static(b"data: ok\n\ndata: \xD0"));
        assert_eq!(decoder.next_event().unwrap().unwrap().data(), "ok");
        assert!(decoder.next_event().is_none());
        let err = decoder.finish().unwrap().unwrap_err();
        assert_eq!(
            err,
            SseError::InvalidUtf8 {
                field: "data",
                valid_up_to: 0
            }
        );
        assert!(!decoder.has_partial());
        assert!(decoder.finish().is_none());
    }

    #[test]
    fn finish_returns_complete_events_not_yet_drained() {
        let mut decoder = Decoder::new();
        decoder.feed(Bytes::from_static(b"data: a\n\n"));
        decoder.feed(Bytes::from_static(b"data: b\n\ndata: c"));
        assert!(decoder.has_partial());
        assert_eq!(decoder.finish().unwrap().unwrap().data(), "a");
        assert_eq!(decoder.finish().unwrap().unwrap().data(), "b");
        assert!(decoder.finish().is_none());
        assert!(!decoder.has_partial());
    }

    #[test]
    fn last_event_id_persists_and_dispatches_blank_events() {
        let events = decode(["id: 1\ndata: a\n\n\nid\n\n\n"]);
        let got: Vec<_> = events.iter().map(|e| (e.data(), e.id())).collect();
        // The second event is the quirk: a lone blank line dispatches while an id is set.
        // `id` with an empty value clears the id, so the blank lines after it yield nothing.
        assert_eq!(got, [("a", Some("1")), ("", Some("1"))]);

        let mut decoder = Decoder::new();
        decoder.feed(Bytes::from_static(b"id: 1\nid: 2\0\ndata: a\n\n"));
        let event = decoder.next_event().unwrap().unwrap();
        assert_eq!(event.id(), Some("1"), "an id containing NUL is ignored");
        assert_eq!(decoder.last_event_id(), Some("1"));
    }

    #[test]
    fn retry_takes_decimal_digits_only() {
        let events = decode([
            "retry: 3000\n\nretry: 10\nretry: 3s\ndata: x\n\nretry: -1\n\nretry: 99999999999999999999\n\n",
        ]);
        let got: Vec<_> = events.iter().map(|e| (e.data(), e.retry())).collect();
        assert_eq!(got, [("", Some(3000)), ("x", Some(10))]);
    }

    #[test]
    fn field_syntax() {
        let events = decode([
            "data\n\n",                      // no colon: a data line with an empty value
            "data\ndata\n\n",                // two empty lines joined
            "data:  two spaces\n\n",         // only one space is dropped
            "event:\tx\ndata:\n\n",          // a tab is not dropped
            "event: a\nevent:\ndata: b\n\n", // the last `event` wins, empty means none
            "data : x\nDATA: y\ndata:z\n\n", // names are exact
            ": comment\nevent: only\n\n",
        ]);
        let got: Vec<_> = events.iter().map(|e| (e.event(), e.data())).collect();
        assert_eq!(
            got,
            [
                (None, ""),
                (None, "\n"),
                (None, " two spaces"),
                (Some("\tx"), ""),
                (None, "b"),
                (None, "z"),
                (Some("only"), ""),
            ]
        );
    }

    #[test]
    fn lone_cr_and_crlf_endings() {
        let events = decode(["data:a\rdata:b\r\rdata:c\r\ndata:d\r\n\r\n\r\r\n\n"]);
        let data: Vec<_> = events.iter().map(Event::data).collect();
        assert_eq!(data, ["a\nb", "c\nd"]);
    }

    #[test]
    fn chunks_fed_before_draining_are_queued_in_order() {
        let mut decoder = Decoder::new();
        for chunk in ["data: 1\n", "\ndata: 2", "\n", "", "\n"] {
            decoder.feed(Bytes::from(chunk));
        }
        let data: Vec<_> = std::iter::from_fn(|| decoder.next_event())
            .map(|e| e.unwrap().data().to_owned())
            .collect();
        assert_eq!(data, ["1", "2"]);
    }

    #[test]
    fn single_line_data_is_not_copied() {
        let chunk = Bytes::from_static(b"event: completion\ndata: {\"a\":1}\n\n");
        let mut decoder = Decoder::new();
        decoder.feed(chunk.clone());
        let event = decoder.next_event().unwrap().unwrap();
        let within = |s: &[u8]| chunk.as_ptr_range().contains(&s.as_ptr());
        assert!(within(event.data_bytes()));
        assert!(within(event.event().unwrap().as_bytes()));
    }

    #[test]
    fn memory_stays_flat_over_many_events() {
        let data = r#"{"id":"chatcmpl-1","choices":[{"delta":{"content":"hi"}}]}"#;
        let batch = Bytes::from(format!("data: {data}\n\n").repeat(64));
        let mut decoder = Decoder::new();
        let mut count = 0;
        for i in 0..200_000 / 64 {
            // Every fifth batch arrives split, so lines are carried over between chunks.
            if i % 5 == 0 {
                decoder.feed(batch.slice(..100));
                decoder.feed(batch.slice(100..));
            } else {
                decoder.feed(batch.clone());
            }
            while let Some(event) = decoder.next_event() {
                assert_eq!(event.unwrap().data(), data);
                count += 1;
            }
            assert!(!decoder.has_partial());
            assert!(decoder.chunk.is_empty(), "the consumed chunk is released");
            assert!(decoder.queue.capacity() <= 4 && decoder.line.capacity() <= 4096);
        }
        assert_eq!(count, 200_000 / 64 * 64);
    }

    #[test]
    fn long_lines_do_not_pin_memory() {
        let mut decoder = Decoder::new();
        for line in ["data:", "event:", "ignored:"] {
            decoder.feed(Bytes::from(line));
            decoder.feed(Bytes::from(vec![b'x'; 1 << 20]));
            decoder.feed(Bytes::from_static(b"\n"));
            assert!(decoder.next_event().is_none());
            assert!(
                decoder.line.capacity() <= KEPT_LINE_CAPACITY,
                "after a long {line} line"
            );
        }
        decoder.feed(Bytes::from_static(b"\n"));
        let event = decoder.next_event().unwrap().unwrap();
        assert_eq!(event.data().len(), 1 << 20);
        assert_eq!(event.event().map(str::len), Some(1 << 20));
    }

    #[test]
    fn decoder_and_event_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Decoder>();
        assert_send_sync::<Event>();
        assert_send_sync::<SseError>();
    }

    #[test]
    fn debug_shows_sizes_not_bytes() {
        let mut decoder = Decoder::new();
        decoder.feed(Bytes::from_static(b"event: e\ndata: secret"));
        assert!(decoder.next_event().is_none());
        let debug = format!("{decoder:?}");
        assert!(
            debug.contains("partial_line: 12") && !debug.contains("secret"),
            "{debug}"
        );
    }
}
