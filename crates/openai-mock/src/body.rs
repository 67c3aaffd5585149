//! The response body every mock answer is sent with.
//!
//! One `http_body::Body` covers all shapes: a whole buffer (sent with a
//! `content-length`), a list of frames (SSE, raw chunks), and a lazily repeated event
//! block for benchmarks. Frames can be spaced with `tokio::time::sleep` (paused-clock
//! friendly) and the body can end with an error instead of a clean end, which makes hyper
//! abort the connection mid-body.

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
}

#[derive(Debug)]
enum Source {
    Full(Option<Bytes>),
    Frames(VecDeque<Bytes>),
    Repeat(Repeat),
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

    fn new(source: Source) -> Self {
        Self {
            source,
            tail: None,
            cut: CutState::No,
            chunk_delay: None,
            sleep: None,
            sent_any: false,
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
        }
        self
    }

    /// Sleep `delay` between two frames.
    pub(crate) fn with_chunk_delay(mut self, delay: Option<Duration>) -> Self {
        self.chunk_delay = delay.filter(|d| !d.is_zero());
        self
    }

    fn next_data(&mut self) -> Option<Bytes> {
        let next = match &mut self.source {
            Source::Full(bytes) => bytes.take(),
            Source::Frames(frames) => frames.pop_front(),
            Source::Repeat(repeat) => repeat.next_frame(),
        };
        next.or_else(|| self.tail.take())
    }

    fn has_data(&self) -> bool {
        let more = match &self.source {
            Source::Full(bytes) => bytes.is_some(),
            Source::Frames(frames) => !frames.is_empty(),
            Source::Repeat(repeat) => repeat.remaining > 0,
        };
        more || self.tail.is_some()
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
            return Poll::Ready(this.next_data().map(|data| Ok(Frame::data(data))));
        }
        match this.cut {
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
        !self.has_data() && matches!(self.cut, CutState::No | CutState::Failed)
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.source, &self.tail, self.cut) {
            (Source::Full(bytes), None, CutState::No) => {
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
