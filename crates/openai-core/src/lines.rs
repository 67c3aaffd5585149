//! [`Lines`]: a body read line by line as it arrives.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};

use crate::error::{DecodeError, Error};

/// A stream of the lines of a body, read on demand.
///
/// Lines end at `\n`, `\r\n` or `\r`; the terminator is not part of the
/// line. A last line without a terminator is yielded when the body ends. The
/// splitting works on bytes: a character whose bytes arrive in two reads is
/// kept whole, and a `\r` at the end of a read waits for the next one to
/// tell `\r\n` from `\r`. A line that is not UTF-8 is an
/// [`Error::Decode`]; the stream goes on after it. A line longer than the
/// largest body a call reads whole
/// ([`DEFAULT_MAX_BODY_SIZE`](openai_transport::timeout::DEFAULT_MAX_BODY_SIZE),
/// 256 MiB) is an [`Error::Decode`] that ends the stream: a server that never
/// ends a line cannot make the client buffer without bound.
///
/// Built by [`Binary::lines`](crate::Binary::lines) and
/// [`StreamedResponse::lines`](crate::request::StreamedResponse::lines).
pub struct Lines<S> {
    chunks: S,
    buf: BytesMut,
    /// How much of `buf` is known to hold no terminator: a long line that
    /// arrives in many reads is searched once, not once per read.
    scanned: usize,
    /// The longest line accepted.
    max_line: usize,
    // The last byte consumed was a `\r`: a `\n` first in the next read
    // belongs to it.
    after_cr: bool,
    done: bool,
}

impl<S> Lines<S> {
    pub(crate) fn new(chunks: S) -> Self {
        Self::with_max_line(chunks, openai_transport::timeout::DEFAULT_MAX_BODY_SIZE)
    }

    pub(crate) fn with_max_line(chunks: S, max_line: usize) -> Self {
        Self {
            chunks,
            buf: BytesMut::new(),
            scanned: 0,
            max_line,
            after_cr: false,
            done: false,
        }
    }

    /// The next complete line in the buffer, if there is one.
    fn split_line(&mut self) -> Option<Bytes> {
        if self.after_cr && self.buf.first() == Some(&b'\n') {
            // The `\n` of a `\r\n` split across reads: it ends nothing.
            self.buf.advance(1);
            self.scanned = self.scanned.saturating_sub(1);
            self.after_cr = false;
        }
        if !self.buf.is_empty() {
            self.after_cr = false;
        }
        let from = self.scanned.min(self.buf.len());
        let Some(at) = self.buf[from..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        else {
            self.scanned = self.buf.len();
            return None;
        };
        let end = from + at;
        self.scanned = 0;
        let line = self.buf.split_to(end).freeze();
        let terminator = self.buf[0];
        self.buf.advance(1);
        if terminator == b'\r' {
            if self.buf.first() == Some(&b'\n') {
                self.buf.advance(1);
            } else if self.buf.is_empty() {
                self.after_cr = true;
            }
        }
        Some(line)
    }
}

fn to_text(line: Bytes) -> Result<String, Error> {
    String::from_utf8(line.into()).map_err(|_| {
        Error::Decode(DecodeError::new(
            "a line of the response body is not UTF-8",
            None,
        ))
    })
}

impl<S> futures_core::Stream for Lines<S>
where
    S: futures_core::Stream<Item = Result<Bytes, Error>> + Unpin,
{
    type Item = Result<String, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(line) = this.split_line() {
                return Poll::Ready(Some(to_text(line)));
            }
            if this.done {
                if this.buf.is_empty() {
                    return Poll::Ready(None);
                }
                this.scanned = 0;
                let rest = this.buf.split().freeze();
                return Poll::Ready(Some(to_text(rest)));
            }
            if this.buf.len() > this.max_line {
                this.done = true;
                this.buf.clear();
                this.scanned = 0;
                return Poll::Ready(Some(Err(Error::Decode(DecodeError::new(
                    format!(
                        "a line of the response body is longer than {} bytes",
                        this.max_line
                    ),
                    None,
                )))));
            }
            match ready!(Pin::new(&mut this.chunks).poll_next(cx)) {
                Some(Ok(chunk)) => this.buf.extend_from_slice(&chunk),
                Some(Err(e)) => {
                    this.done = true;
                    this.buf.clear();
                    this.scanned = 0;
                    return Poll::Ready(Some(Err(e)));
                }
                None => this.done = true,
            }
        }
    }
}

impl<S> fmt::Debug for Lines<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lines")
            .field("buffered", &self.buf.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use futures_core::Stream as _;

    use super::*;

    struct Chunks(VecDeque<Result<Bytes, Error>>);

    impl futures_core::Stream for Chunks {
        type Item = Result<Bytes, Error>;
        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.get_mut().0.pop_front())
        }
    }

    fn lines_of(chunks: &[&[u8]]) -> Vec<Result<String, String>> {
        let chunks = chunks
            .iter()
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let mut lines = Lines::new(Chunks(chunks));
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut out = Vec::new();
        while let Poll::Ready(Some(line)) = Pin::new(&mut lines).poll_next(&mut cx) {
            out.push(line.map_err(|e| e.to_string()));
        }
        out
    }

    fn ok(lines: &[&str]) -> Vec<Result<String, String>> {
        lines.iter().map(|l| Ok((*l).to_owned())).collect()
    }

    #[test]
    fn every_terminator_ends_a_line() {
        assert_eq!(
            lines_of(&[b"a\nb\r\nc\rd"]),
            ok(&["a", "b", "c", "d"]),
            "\\n, \\r\\n, \\r, and a last line without one"
        );
        assert_eq!(lines_of(&[b"a\n\nb\n"]), ok(&["a", "", "b"]));
        assert_eq!(lines_of(&[b"\r\r\n"]), ok(&["", ""]));
        assert_eq!(lines_of(&[]), ok(&[]));
    }

    #[test]
    fn a_crlf_split_across_reads_is_one_terminator() {
        assert_eq!(lines_of(&[b"a\r", b"\nb"]), ok(&["a", "b"]));
        assert_eq!(lines_of(&[b"a\r", b"b"]), ok(&["a", "b"]));
        assert_eq!(lines_of(&[b"a\r", b"", b"\nb"]), ok(&["a", "b"]));
    }

    #[test]
    fn a_character_split_across_reads_is_kept_whole() {
        let text = "héllo ✓\n";
        let bytes = text.as_bytes();
        for cut in 1..bytes.len() {
            let (a, b) = bytes.split_at(cut);
            assert_eq!(lines_of(&[a, b]), ok(&["héllo ✓"]), "cut at {cut}");
        }
    }

    #[test]
    fn a_line_that_is_not_utf8_is_an_error_and_the_rest_goes_on() {
        let got = lines_of(&[b"\xff\xfe\nok\n"]);
        assert_eq!(got.len(), 2);
        assert!(got[0].as_ref().unwrap_err().contains("not UTF-8"));
        assert_eq!(got[1], Ok("ok".to_owned()));
    }

    #[test]
    fn a_long_line_in_many_reads_is_one_line() {
        let mut chunks: Vec<&[u8]> = vec![b"first\n"];
        chunks.extend(std::iter::repeat_n(&b"xy"[..], 1000));
        chunks.push(b"\r");
        chunks.push(b"\nlast");
        let got = lines_of(&chunks);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].as_ref().unwrap().len(), 2000);
        assert_eq!(got[2], Ok("last".to_owned()));
    }

    #[test]
    fn a_line_longer_than_the_limit_ends_the_lines() {
        let chunks = VecDeque::from([
            Ok(Bytes::from_static(b"short\n0123")),
            Ok(Bytes::from_static(b"4567")),
            Ok(Bytes::from_static(b"89ab")),
            Ok(Bytes::from_static(b"never\n")),
        ]);
        let mut lines = Lines::with_max_line(Chunks(chunks), 8);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut poll = || match Pin::new(&mut lines).poll_next(&mut cx) {
            Poll::Ready(item) => item,
            Poll::Pending => panic!("the test stream is always ready"),
        };
        assert_eq!(poll().unwrap().unwrap(), "short");
        let err = poll().unwrap().unwrap_err();
        assert!(err.to_string().contains("longer than 8 bytes"), "{err}");
        assert!(poll().is_none());
    }

    /// The lines of `input` read whole: the reference the chunked reads
    /// must agree with.
    fn reference(input: &[u8]) -> Vec<Result<String, String>> {
        let mut out = Vec::new();
        let mut line = Vec::new();
        let mut i = 0;
        while i < input.len() {
            match input[i] {
                b'\n' | b'\r' => {
                    if input[i] == b'\r' && input.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    out.push(
                        String::from_utf8(std::mem::take(&mut line)).map_err(|_| String::new()),
                    );
                }
                b => line.push(b),
            }
            i += 1;
        }
        if !line.is_empty() {
            out.push(String::from_utf8(line).map_err(|_| String::new()));
        }
        out
    }

    #[test]
    fn any_split_of_any_input_gives_the_lines_of_the_whole() {
        // A fixed-seed generator: inputs of `a`, `é`, `\r`, `\n`, cut at
        // random places (empty reads included).
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        for _ in 0..2000 {
            let mut input = Vec::new();
            for _ in 0..next(40) {
                match next(5) {
                    0 => input.extend_from_slice("é".as_bytes()),
                    1 => input.push(b'\r'),
                    2 => input.push(b'\n'),
                    _ => input.push(b'a'),
                }
            }
            let mut chunks: Vec<&[u8]> = Vec::new();
            let mut rest = &input[..];
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at(next(rest.len() as u64 + 1) as usize);
                chunks.push(chunk);
                rest = tail;
            }
            let got: Vec<_> = lines_of(&chunks)
                .into_iter()
                .map(|l| l.map_err(|_| String::new()))
                .collect();
            assert_eq!(got, reference(&input), "{input:?} in {chunks:?}");
        }
    }

    #[test]
    fn a_read_error_ends_the_lines() {
        let chunks = VecDeque::from([
            Ok(Bytes::from_static(b"a\npartial")),
            Err(Error::Decode(DecodeError::new("cut", None))),
            Ok(Bytes::from_static(b"never\n")),
        ]);
        let mut lines = Lines::new(Chunks(chunks));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut poll = || match Pin::new(&mut lines).poll_next(&mut cx) {
            Poll::Ready(item) => item,
            Poll::Pending => panic!("the test stream is always ready"),
        };
        assert_eq!(poll().unwrap().unwrap(), "a");
        assert!(poll().unwrap().is_err());
        assert!(poll().is_none());
    }
}
