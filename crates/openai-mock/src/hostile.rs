//! [`Hostile`]: a catalog of misbehaving servers, each one a [`Mock`] to enqueue.
//!
//! Every case is a server a real client meets sooner or later: a proxy that cuts a
//! stream, a load balancer that answers with an HTML page, a gateway that holds the
//! connection open after the last event, a server that drips its answer byte by byte.
//! A robust client ends each one with a value or an error of its own, within its
//! timeouts: never a panic, never a hang, never unbounded memory.
//!
//! Each case is a plain [`Mock`] underneath ([`Hostile::mock`], or `Mock::from`), so it
//! can be queued with [`MockServer::enqueue`](crate::MockServer::enqueue), mounted on a
//! path with [`MockServer::mock_path`](crate::MockServer::mock_path), or made the answer
//! to every request (retries included) with
//! [`MockServer::set_default`](crate::MockServer::set_default). [`Hostile::all`] lists
//! every case with its default parameters, so a test can loop over all of them.
//!
//! All delays use `tokio::time`, so under `#[tokio::test(start_paused = true)]` the
//! cases that stall, drip or send keep-alive comments run instantly in real time.

use std::time::Duration;

use bytes::Bytes;

use crate::chat::{self, Usage};
use crate::mock::Mock;
use crate::sse;

/// The size of [`Hostile::huge_body`], [`Hostile::huge_event`] and
/// [`Hostile::huge_error_page`] in [`Hostile::all`]:
/// 8 MiB. Set a client's response size limit below it to see the limit at work.
pub const DEFAULT_HUGE_SIZE: usize = 8 * 1024 * 1024;

/// The interval of [`Hostile::keep_alive_only`] in [`Hostile::all`]: one comment a
/// second.
pub const DEFAULT_KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(1);

/// The delay between two bytes of the dripping cases in [`Hostile::all`]: 10 ms, so a
/// chat completion takes a few seconds and each streamed event about two.
pub const DEFAULT_DRIP_DELAY: Duration = Duration::from_millis(10);

/// The text every chat completion and chat completion stream of the catalog answers
/// with, when it answers at all: a client that gets a value gets this one.
pub const ANSWER: &str = "Hello there friend";

/// The filler of the huge bodies (one copy is kept; the body repeats it).
const FILLER_BLOCK: usize = 64 * 1024;

/// One hostile server behaviour: a name, what it does, and the [`Mock`] that does it.
///
/// # Examples
///
/// Loop over every case; here with a bare HTTP client that only checks that the server
/// answers or fails, and a short real deadline (point your own client at the server
/// instead, and under `#[tokio::test(start_paused = true)]` use your real timeouts: the
/// stalls and drips then take no time):
///
/// ```
/// use std::time::Duration;
///
/// use http_body_util::{BodyExt, Full};
/// use hyper_util::client::legacy::Client;
/// use hyper_util::rt::TokioExecutor;
/// use openai_mock::{Hostile, MockServer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let client = Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
/// for case in Hostile::all() {
///     let server = MockServer::start().await;
///     server.enqueue(case.mock());
///     let request = http::Request::post(format!("{}/chat/completions", server.url()))
///         .body(Full::from("{}"))
///         .unwrap();
///     // A client needs a deadline: several cases never finish on their own.
///     let outcome = tokio::time::timeout(Duration::from_millis(200), async {
///         let response = client.request(request).await?;
///         let status = response.status();
///         let body = response.into_body().collect().await?;
///         Ok::<_, Box<dyn std::error::Error + Send + Sync>>((status, body.to_bytes().len()))
///     })
///     .await;
///     match outcome {
///         Ok(Ok((status, len))) => println!("{}: {status}, {len} bytes", case.name()),
///         Ok(Err(e)) => println!("{}: failed: {e}", case.name()),
///         Err(_) => println!("{}: no end within the deadline", case.name()),
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Hostile {
    name: &'static str,
    description: &'static str,
    mock: Mock,
}

impl Hostile {
    fn new(name: &'static str, description: &'static str, mock: Mock) -> Self {
        Self {
            name,
            description,
            mock,
        }
    }

    /// The case's name, a `snake_case` identifier (the constructor's name), unique in
    /// [`Hostile::all`].
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// One sentence on what the server does.
    pub fn description(&self) -> &'static str {
        self.description
    }

    /// The mock that plays the case (a copy: the case can be played again).
    pub fn mock(&self) -> Mock {
        self.mock.clone()
    }

    /// The mock that plays the case.
    pub fn into_mock(self) -> Mock {
        self.mock
    }

    /// Every case, with the default sizes and delays ([`DEFAULT_HUGE_SIZE`],
    /// [`DEFAULT_KEEP_ALIVE_INTERVAL`], [`DEFAULT_DRIP_DELAY`]), in a fixed order.
    pub fn all() -> Vec<Self> {
        vec![
            Self::cut_mid_data_line(),
            Self::cut_between_events(),
            Self::stall_before_headers(),
            Self::stall_after_headers(),
            Self::keep_alive_only(DEFAULT_KEEP_ALIVE_INTERVAL),
            Self::open_after_done(),
            Self::huge_body(DEFAULT_HUGE_SIZE),
            Self::huge_event(DEFAULT_HUGE_SIZE),
            Self::html_error_page(),
            Self::huge_error_page(DEFAULT_HUGE_SIZE),
            Self::invalid_utf8_json(),
            Self::invalid_utf8_event(),
            Self::json_as_text_plain(),
            Self::json_instead_of_events(),
            Self::events_instead_of_json(),
            Self::dripping_json(DEFAULT_DRIP_DELAY),
            Self::dripping_events(DEFAULT_DRIP_DELAY),
        ]
    }

    /// A `200` chat completion stream that sends two whole events, then half of the
    /// third, cut in the middle of its `data:` line, then resets the connection.
    pub fn cut_mid_data_line() -> Self {
        let events = stream_events();
        let third = &events[2];
        let mut chunks: Vec<Bytes> = events[..2].to_vec();
        chunks.push(third.slice(..third.len() / 2));
        Self::new(
            "cut_mid_data_line",
            "a chat completion stream whose connection is reset in the middle of a `data:` line",
            Mock::sse_raw(chunks).cut_after(3),
        )
    }

    /// A `200` chat completion stream that sends two whole events, then resets the
    /// connection (no `[DONE]`, no clean end of the body).
    pub fn cut_between_events() -> Self {
        Self::new(
            "cut_between_events",
            "a chat completion stream whose connection is reset between two events",
            Mock::chat_stream(ANSWER).cut_after(2),
        )
    }

    /// Never answers: no status line, no headers, the connection held open.
    pub fn stall_before_headers() -> Self {
        Self::new(
            "stall_before_headers",
            "a server that reads the request and never sends the response headers",
            Mock::stall(),
        )
    }

    /// Sends `200` and `content-type: text/event-stream`, then not one body byte, the
    /// connection held open.
    pub fn stall_after_headers() -> Self {
        Self::new(
            "stall_after_headers",
            "a server that sends `200` event-stream headers, then no body byte ever",
            Mock::sse_raw(Vec::new()).keep_open(),
        )
    }

    /// A `200` event stream of `: ping` comments only, one every `interval`, forever
    /// (until the client gives up). Comments are not events: a client that counts
    /// them as progress never times out.
    pub fn keep_alive_only(interval: Duration) -> Self {
        let ping = Bytes::from_static(b": ping\n\n");
        Self::new(
            "keep_alive_only",
            "an event stream of `: ping` keep-alive comments only, forever",
            Mock::fill(Bytes::new(), ping, usize::MAX, Bytes::new())
                .header("content-type", sse::CONTENT_TYPE)
                .chunk_delay(interval),
        )
    }

    /// A whole chat completion stream, `data: [DONE]` included, after which the
    /// connection stays open and the body never ends.
    pub fn open_after_done() -> Self {
        Self::new(
            "open_after_done",
            "a chat completion stream that stays open, silent, after `data: [DONE]`",
            Mock::chat_stream(ANSWER).keep_open(),
        )
    }

    /// A `200` `application/json` body of `bytes` bytes (`{"padding":"xxx…"}`),
    /// generated as it is sent: the client must refuse it past its size limit rather
    /// than buffer it all.
    pub fn huge_body(bytes: usize) -> Self {
        let head = Bytes::from_static(b"{\"padding\":\"");
        let tail = Bytes::from_static(b"\"}");
        let len = bytes.saturating_sub(head.len() + tail.len());
        Self::new(
            "huge_body",
            "a JSON body larger than any sensible limit, generated as it is sent",
            Mock::fill(head, filler(), len, tail),
        )
    }

    /// A `200` event stream whose first event is one `data:` line of `bytes` bytes
    /// (`data: {"padding":"xxx…"}`), then `data: [DONE]`: the client must refuse the
    /// event past its size limit rather than buffer it all.
    pub fn huge_event(bytes: usize) -> Self {
        let head = Bytes::from_static(b"data: {\"padding\":\"");
        let tail = Bytes::from_static(b"\"}\n\ndata: [DONE]\n\n");
        let len = bytes.saturating_sub(head.len() + tail.len());
        Self::new(
            "huge_event",
            "an event stream whose one event is larger than any sensible limit",
            Mock::fill(head, filler(), len, tail).header("content-type", sse::CONTENT_TYPE),
        )
    }

    /// A `502 Bad Gateway` HTML page from a proxy (`content-type: text/html`), not an
    /// OpenAI error body.
    pub fn html_error_page() -> Self {
        Self::new(
            "html_error_page",
            "a proxy's `502 Bad Gateway` HTML page instead of an OpenAI error",
            Mock::raw(502, HTML_502, "text/html; charset=utf-8"),
        )
    }

    /// A `502 Bad Gateway` HTML page of `bytes` bytes (`text/html`), generated as it is
    /// sent: the client must keep the error (and its status) without buffering the page
    /// whole.
    pub fn huge_error_page(bytes: usize) -> Self {
        let head =
            Bytes::from_static(b"<html><head><title>502 Bad Gateway</title></head><body><pre>");
        let tail = Bytes::from_static(b"</pre></body></html>");
        let len = bytes.saturating_sub(head.len() + tail.len());
        Self::new(
            "huge_error_page",
            "a `502 Bad Gateway` HTML page larger than any sensible limit",
            Mock::fill(head, filler(), len, tail)
                .status(502)
                .header("content-type", "text/html; charset=utf-8"),
        )
    }

    /// A `200` `application/json` chat completion whose message content holds a byte
    /// that is not UTF-8.
    pub fn invalid_utf8_json() -> Self {
        let body = serde_json::to_vec(&chat::completion(1, chat::MODEL, "café", usage()))
            .unwrap_or_default();
        Self::new(
            "invalid_utf8_json",
            "a chat completion whose JSON body holds a byte that is not UTF-8",
            Mock::raw(200, corrupt_utf8(body), "application/json"),
        )
    }

    /// A chat completion stream whose second event's `data:` holds a byte that is not
    /// UTF-8, followed by more events and `data: [DONE]`.
    pub fn invalid_utf8_event() -> Self {
        let mut chunks = chat::stream_events(1, chat::MODEL, "café au lait", usage(), false);
        if let Some(second) = chunks.get_mut(1) {
            *second = Bytes::from(corrupt_utf8(second.to_vec()));
        }
        chunks.push(Bytes::from_static(sse::DONE));
        Self::new(
            "invalid_utf8_event",
            "a chat completion stream with a byte that is not UTF-8 inside an event's data",
            Mock::sse_raw(chunks),
        )
    }

    /// A valid chat completion sent as `content-type: text/plain`.
    pub fn json_as_text_plain() -> Self {
        Self::new(
            "json_as_text_plain",
            "a valid chat completion labelled `text/plain`",
            Mock::chat_completion(ANSWER).header("content-type", "text/plain; charset=utf-8"),
        )
    }

    /// A valid `application/json` chat completion, whatever the request asked for: a
    /// streaming call gets JSON instead of events.
    pub fn json_instead_of_events() -> Self {
        Self::new(
            "json_instead_of_events",
            "a JSON chat completion where an event stream was asked for",
            Mock::chat_completion(ANSWER),
        )
    }

    /// A valid chat completion event stream, whatever the request asked for: a JSON
    /// call gets `text/event-stream` instead of JSON.
    pub fn events_instead_of_json() -> Self {
        Self::new(
            "events_instead_of_json",
            "a chat completion event stream where JSON was asked for",
            Mock::chat_stream(ANSWER),
        )
    }

    /// A valid `application/json` chat completion sent one byte at a time, `delay`
    /// between two bytes (about 500 bytes in all).
    pub fn dripping_json(delay: Duration) -> Self {
        Self::new(
            "dripping_json",
            "a chat completion sent one byte at a time",
            Mock::chat_completion(ANSWER).drip(delay),
        )
    }

    /// A valid chat completion stream sent one byte at a time, `delay` between two
    /// bytes (about 200 bytes per event).
    pub fn dripping_events(delay: Duration) -> Self {
        Self::new(
            "dripping_events",
            "a chat completion stream sent one byte at a time",
            Mock::chat_stream(ANSWER).drip(delay),
        )
    }
}

impl From<Hostile> for Mock {
    fn from(hostile: Hostile) -> Self {
        hostile.mock
    }
}

/// The page nginx sends when its upstream is down.
const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

fn usage() -> Usage {
    Usage::for_reply(chat::MOCK_PROMPT_TOKENS, ANSWER)
}

/// The events of a chat completion stream answering [`ANSWER`], without `[DONE]`.
fn stream_events() -> Vec<Bytes> {
    chat::stream_events(1, chat::MODEL, ANSWER, usage(), false)
}

fn filler() -> Bytes {
    Bytes::from(vec![b'x'; FILLER_BLOCK])
}

/// Replaces the first `é` (two bytes in UTF-8) with `0xFF 0xFE`, bytes that never
/// appear in UTF-8; the length stays the same.
fn corrupt_utf8(mut bytes: Vec<u8>) -> Vec<u8> {
    if let Some(at) = bytes.windows(2).position(|w| w == "é".as_bytes()) {
        bytes[at] = 0xFF;
        bytes[at + 1] = 0xFE;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn names_are_unique_and_match_the_constructors() {
        let all = Hostile::all();
        let names: HashSet<_> = all.iter().map(Hostile::name).collect();
        assert_eq!(names.len(), all.len());
        assert!(all.iter().all(|c| !c.description().is_empty()));
        assert_eq!(Hostile::html_error_page().name(), "html_error_page");
    }

    #[test]
    fn utf8_corruption_keeps_the_length() {
        let body = "{\"a\":\"café\"}".as_bytes().to_vec();
        let bad = corrupt_utf8(body.clone());
        assert_eq!(bad.len(), body.len());
        assert!(std::str::from_utf8(&bad).is_err());
    }
}
