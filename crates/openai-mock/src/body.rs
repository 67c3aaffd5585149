//! The response body every mock answer is sent with.
//!
//! One `http_body::Body` covers all shapes: a whole buffer (sent with a
//! `content-length`), a list of frames (SSE, raw chunks), a lazily repeated event
//! block for benchmarks, and a lazily generated filler for huge bodies. Frames can be
//! spaced with `tokio::time::sleep` (paused-clock friendly), split into single bytes (a
//! dripping server), and the body can end with an error instead of a clean end, which
//! makes hyper abort the connection mid-body, or never end at all (the connection stays
//! open with nothing more to read).

use std::collections::VecDeque;
use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::Sleep;

/// The body of every response the mock server writes.
#[derive(Debug)]
pub(crate) struct MockBody {
    source: Source,
    /// Sent after `source` is exhausted, unless the body is cut.
    tail: Option<Bytes>,
    /// Fail instead of ending once `source` is exhausted.
    cut: CutState,
    chunk_delay: Option<Duration>,
    sleep: Option<Pin<Box<Sleep>>>,
    sent_any: bool,
    /// Send every frame one byte at a time.
    drip: bool,
    /// The rest of a frame being dripped.
    dripping: Bytes,
    /// Stay open, sending nothing, once everything is sent (instead of ending).
    hang: bool,
}

#[derive(Debug)]
enum Source {
    Full(Option<Bytes>),
    Frames(VecDeque<Bytes>),
    Repeat(Repeat),
    Fill(Fill),
}

/// `head`, then `remaining` bytes made of slices of `block`, generated on demand.
#[derive(Debug)]
struct Fill {
    head: Option<Bytes>,
    block: Bytes,
    remaining: usize,
}

/// `events` copies of one encoded event, `per_write` of them per frame.
#[derive(Debug)]
struct Repeat {
    /// `per_write` copies of the event, built once; frames are slices of it.
    block: Bytes,
    event_len: usize,
    per_write: usize,
    remaining: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CutState {
    No,
    /// Yield once so hyper flushes what it has buffered, then fail.
    Flush,
    Fail,
    Failed,
}

/// The error a cut body ends with; hyper then closes the connection without finishing
/// the message, so the client sees a body error rather than a clean end.
#[derive(Debug)]
pub(crate) struct ConnectionCut;

impl fmt::Display for ConnectionCut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("openai-mock cut the connection on purpose")
    }
}

impl StdError for ConnectionCut {}

impl MockBody {
    /// A whole body, sent as one frame with a `content-length`.
    pub(crate) fn full(bytes: Bytes) -> Self {
        Self::new(Source::Full(Some(bytes)))
    }

    /// One frame per item, in order (empty items are skipped by hyper).
    pub(crate) fn frames(frames: impl IntoIterator<Item = Bytes>) -> Self {
        Self::new(Source::Frames(frames.into_iter().collect()))
    }

    /// `events` copies of `event`, `per_write` (at least 1) of them per frame, built
    /// lazily so memory stays flat whatever `events` is.
    pub(crate) fn repeat(event: Bytes, events: usize, per_write: usize) -> Self {
        let per_write = per_write.max(1).min(events.max(1));
        let mut block = Vec::with_capacity(event.len() * per_write);
        for _ in 0..per_write {
            block.extend_from_slice(&event);
        }
        Self::new(Source::Repeat(Repeat {
            block: Bytes::from(block),
            event_len: event.len(),
            per_write,
            remaining: events,
        }))
    }

    /// `head`, then `len` bytes of `filler` (repeated, the last copy cut to length),
    /// without ever holding more than one copy of `filler`: a body of gigabytes costs no
    /// memory. An empty `filler` gives no bytes.
    pub(crate) fn fill(head: Bytes, filler: Bytes, len: usize) -> Self {
        let remaining = if filler.is_empty() { 0 } else { len };
        Self::new(Source::Fill(Fill {
            head: Some(head).filter(|h| !h.is_empty()),
            block: filler,
            remaining,
        }))
    }

    fn new(source: Source) -> Self {
        Self {
            source,
            tail: None,
            cut: CutState::No,
            chunk_delay: None,
            sleep: None,
            sent_any: false,
            drip: false,
            dripping: Bytes::new(),
            hang: false,
        }
    }

    /// A last frame sent after the others (the SSE `[DONE]` event).
    pub(crate) fn with_tail(mut self, tail: Bytes) -> Self {
        self.tail = Some(tail);
        self
    }

    /// Keep only the first `n` frames (events for a repeated body), then fail.
    pub(crate) fn cut_after(mut self, n: usize) -> Self {
        self.tail = None;
        self.cut = CutState::Flush;
        match &mut self.source {
            Source::Full(bytes) => {
                if n == 0 {
                    *bytes = None;
                }
            }
            Source::Frames(frames) => frames.truncate(n),
            Source::Repeat(repeat) => repeat.remaining = repeat.remaining.min(n),
            Source::Fill(fill) => fill.truncate(n),
        }
        self
    }

    /// Send every frame one byte at a time (each byte its own frame, spaced by the
    /// chunk delay).
    pub(crate) fn dripping(mut self) -> Self {
        self.drip = true;
        self
    }

    /// Once everything is sent, stay open and send nothing more, until the connection
    /// is closed by the client or the server is dropped.
    pub(crate) fn hanging(mut self) -> Self {
        self.hang = true;
        self
    }

    /// Sleep `delay` between two frames.
    pub(crate) fn with_chunk_delay(mut self, delay: Option<Duration>) -> Self {
        self.chunk_delay = delay.filter(|d| !d.is_zero());
        self
    }

    fn next_data(&mut self) -> Option<Bytes> {
        if self.drip {
            if self.dripping.is_empty() {
                self.dripping = self.next_frame()?;
            }
            return Some(self.dripping.split_to(1.min(self.dripping.len())));
        }
        self.next_frame()
    }

    fn next_frame(&mut self) -> Option<Bytes> {
        loop {
            let next = match &mut self.source {
                Source::Full(bytes) => bytes.take(),
                Source::Frames(frames) => frames.pop_front(),
                Source::Repeat(repeat) => repeat.next_frame(),
                Source::Fill(fill) => fill.next_frame(),
            };
            match next.or_else(|| self.tail.take()) {
                // An empty frame would be a byte-less drip or delay: skip it.
                Some(frame) if frame.is_empty() => continue,
                other => return other,
            }
        }
    }

    fn has_data(&self) -> bool {
        let more = match &self.source {
            Source::Full(bytes) => bytes.as_ref().is_some_and(|b| !b.is_empty()),
            // Empty frames count (they are skipped when taken): the check stays O(1).
            Source::Frames(frames) => !frames.is_empty(),
            Source::Repeat(repeat) => repeat.remaining > 0 && repeat.event_len > 0,
            Source::Fill(fill) => fill.head.is_some() || fill.remaining > 0,
        };
        more || !self.dripping.is_empty() || self.tail.as_ref().is_some_and(|t| !t.is_empty())
    }
}

impl Fill {
    fn next_frame(&mut self) -> Option<Bytes> {
        if let Some(head) = self.head.take() {
            return Some(head);
        }
        if self.remaining == 0 {
            return None;
        }
        let len = self.remaining.min(self.block.len());
        self.remaining -= len;
        Some(self.block.slice(..len))
    }

    /// Keep the head and `n - 1` copies of the filler (`n` frames).
    fn truncate(&mut self, n: usize) {
        let mut frames = n;
        if self.head.is_some() {
            if frames == 0 {
                self.head = None;
            } else {
                frames -= 1;
            }
        }
        self.remaining = self.remaining.min(frames.saturating_mul(self.block.len()));
    }
}

impl Repeat {
    fn next_frame(&mut self) -> Option<Bytes> {
        if self.remaining == 0 {
            return None;
        }
        let count = self.remaining.min(self.per_write);
        self.remaining -= count;
        Some(if count == self.per_write {
            self.block.clone()
        } else {
            self.block.slice(..count * self.event_len)
        })
    }
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = ConnectionCut;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, ConnectionCut>>> {
        let this = &mut *self;
        if this.has_data() {
            if let Some(delay) = this.chunk_delay.filter(|_| this.sent_any) {
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(delay)));
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.sleep = None;
            }
            this.sent_any = true;
            // `None` when only empty frames were left: the body is at its end.
            if let Some(data) = this.next_data() {
                return Poll::Ready(Some(Ok(Frame::data(data))));
            }
        }
        match this.cut {
            // Never wakes: hyper keeps the connection open with nothing to send until the
            // client goes away or the server's shutdown stops the connection task.
            CutState::No if this.hang => Poll::Pending,
            CutState::No | CutState::Failed => Poll::Ready(None),
            CutState::Flush => {
                // Give hyper a turn to flush the frames it has buffered, so the client
                // receives them before the connection is torn down.
                this.cut = CutState::Fail;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            CutState::Fail => {
                this.cut = CutState::Failed;
                Poll::Ready(Some(Err(ConnectionCut)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        !self.has_data() && !self.hang && matches!(self.cut, CutState::No | CutState::Failed)
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.source, &self.tail, self.cut) {
            (Source::Full(bytes), None, CutState::No) if !self.hang => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            _ => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    async fn frames_of(mut body: MockBody) -> (Vec<Bytes>, bool) {
        let mut frames = Vec::new();
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => frames.push(frame.into_data().unwrap()),
                Err(_) => return (frames, true),
            }
        }
        (frames, false)
    }

    #[tokio::test]
    async fn repeat_slices_last_frame() {
        let body = MockBody::repeat(Bytes::from_static(b"ab"), 5, 2).with_tail("X".into());
        let (frames, failed) = frames_of(body).await;
        assert!(!failed);
        assert_eq!(frames, vec!["abab", "abab", "ab", "X"]);
    }

    #[tokio::test]
    async fn cut_drops_tail_and_fails() {
        let body = MockBody::frames(["a".into(), "b".into(), "c".into()])
            .with_tail("done".into())
            .cut_after(2);
        let (frames, failed) = frames_of(body).await;
        assert!(failed);
        assert_eq!(frames, vec!["a", "b"]);
    }

    #[tokio::test]
    async fn fill_repeats_its_filler_to_length_and_cuts_by_frames() {
        let body = MockBody::fill("[".into(), "abc".into(), 7).with_tail("]".into());
        let (frames, failed) = frames_of(body).await;
        assert!(!failed);
        assert_eq!(frames, vec!["[", "abc", "abc", "a", "]"]);
        let body = MockBody::fill("[".into(), "abc".into(), 7).cut_after(2);
        assert_eq!(
            frames_of(body).await,
            (vec!["[".into(), "abc".into()], true)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_kept_open_after_empty_frames_stays_open() {
        let mut body = MockBody::frames(["a".into(), "".into()]).hanging();
        assert_eq!(
            body.frame().await.unwrap().unwrap().into_data().unwrap(),
            "a"
        );
        let next = tokio::time::timeout(Duration::from_secs(1), body.frame()).await;
        assert!(next.is_err(), "{next:?}");
        assert!(!body.is_end_stream());
    }

    #[tokio::test]
    async fn a_dripping_body_sends_single_bytes() {
        let body = MockBody::frames(["ab".into(), "".into(), "c".into()]).dripping();
        let (frames, failed) = frames_of(body).await;
        assert!(!failed);
        assert_eq!(frames, vec!["a", "b", "c"]);
    }

    #[tokio::test]
    async fn full_body_has_exact_size() {
        let body = MockBody::full(Bytes::from_static(b"hello"));
        assert_eq!(body.size_hint().exact(), Some(5));
        let (frames, failed) = frames_of(body).await;
        assert_eq!(
            (frames, failed),
            (vec![Bytes::from_static(b"hello")], false)
        );
    }
}
