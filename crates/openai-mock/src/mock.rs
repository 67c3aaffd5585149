//! [`Mock`]: one scripted answer.
//!
//! A mock is a status, headers and a body shape (JSON, text, raw bytes, a chat completion,
//! an SSE stream), plus faults: a delay before the headers, a delay between body frames,
//! a body dripped one byte at a time, a connection cut mid-body or held open after it, a
//! dropped connection, or no answer at all. Queue mocks with
//! [`MockServer::enqueue`](crate::MockServer::enqueue); each answers exactly one request.

use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};

use crate::chat;
use crate::errors::ErrorParts;
use crate::sse;

mod render;

pub(crate) use render::Fault;

/// One scripted answer of a [`MockServer`](crate::MockServer).
///
/// Build one with a constructor ([`Mock::chat_completion`], [`Mock::error`],
/// [`Mock::sse`], ...), adjust it with the builder methods, and queue it with
/// [`MockServer::enqueue`](crate::MockServer::enqueue). Every response also carries
/// `x-request-id: req_mock_<n>` (where `n` counts the server's requests from 1) and a
/// `content-type`, unless the mock sets those headers itself.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use openai_mock::Mock;
/// use serde_json::json;
///
/// let rate_limited = Mock::error(429).header("retry-after-ms", "10");
/// let slow = Mock::ok(json!({"object": "list", "data": []})).delay(Duration::from_secs(2));
/// let broken_stream = Mock::chat_stream("never finished").cut_after(2);
/// # let _ = (rate_limited, slow, broken_stream);
/// ```
#[derive(Debug, Clone)]
#[must_use = "a Mock does nothing until it is enqueued"]
pub struct Mock {
    status: StatusCode,
    headers: HeaderMap,
    payload: Payload,
    delay: Option<Duration>,
    chunk_delay: Option<Duration>,
    cut_after: Option<usize>,
    done: bool,
    drip: bool,
    keep_open: bool,
}

#[derive(Debug, Clone)]
enum Payload {
    /// A whole body; `content-type: application/json` unless a header says otherwise.
    Body(Bytes),
    Chat(ChatReply),
    Error(ErrorParts),
    Sse(Vec<Bytes>),
    SseRaw(Vec<Bytes>),
    Repeat {
        events: usize,
        per_write: usize,
    },
    /// `head`, `len` bytes of `filler` repeated, then `tail`, generated on demand.
    Fill {
        head: Bytes,
        filler: Bytes,
        len: usize,
        tail: Bytes,
    },
    DropConnection,
    Stall,
}

/// A chat completion answer, whole or streamed.
#[derive(Debug, Clone)]
pub(crate) struct ChatReply {
    pub(crate) text: String,
    pub(crate) model: String,
    pub(crate) prompt_tokens: u64,
    pub(crate) stream: bool,
    pub(crate) include_usage: bool,
}

impl Mock {
    /// A response with `status` and `body` serialized as JSON.
    ///
    /// # Panics
    ///
    /// If `status` is not a valid HTTP status code (100 to 999).
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        // Serializing a `Value` cannot fail.
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        Self::new(status, Payload::Body(bytes.into()))
    }

    /// A `200 OK` response with `body` as JSON.
    pub fn ok(body: serde_json::Value) -> Self {
        Self::json(200, body)
    }

    /// A `200 OK` `chat.completion` whose single choice answers `text`.
    ///
    /// The body is a complete, realistic object: `id` `chatcmpl-mock-<n>`, model
    /// `gpt-4o-mock`, `finish_reason` `stop`, `usage` (10 prompt tokens, one completion
    /// token per word) and a `system_fingerprint`.
    pub fn chat_completion(text: impl Into<String>) -> Self {
        Self::chat(ChatReply {
            text: text.into(),
            model: chat::MODEL.to_owned(),
            prompt_tokens: chat::MOCK_PROMPT_TOKENS,
            stream: false,
            include_usage: false,
        })
    }

    /// The streamed form of [`Mock::chat_completion`]: a `text/event-stream` of
    /// `chat.completion.chunk` objects, then `data: [DONE]`.
    ///
    /// The first chunk carries `delta: {"role": "assistant", "content": ""}`, then one chunk
    /// per word of `text` (each piece keeps the whitespace before it, so the pieces
    /// concatenate to `text`), then a chunk with an empty delta and `finish_reason: "stop"`.
    pub fn chat_stream(text: impl Into<String>) -> Self {
        Self::chat(ChatReply {
            text: text.into(),
            model: chat::MODEL.to_owned(),
            prompt_tokens: chat::MOCK_PROMPT_TOKENS,
            stream: true,
            include_usage: false,
        })
    }

    /// An OpenAI-shaped error: `{"error": {"message", "type", "param", "code"}}`.
    ///
    /// Message, type and code follow what the API sends for the status (for example 429
    /// gives type `requests` and code `rate_limit_exceeded`, 401 code `invalid_api_key`,
    /// 5xx type `server_error`); change them with [`Mock::error_message`],
    /// [`Mock::error_type`], [`Mock::error_code`] and [`Mock::error_param`].
    ///
    /// # Panics
    ///
    /// If `status` is not a valid HTTP status code (100 to 999).
    pub fn error(status: u16) -> Self {
        Self::new(status, Payload::Error(ErrorParts::default()))
    }

    /// A `text/plain` response (use an empty `body` for an empty response).
    ///
    /// # Panics
    ///
    /// If `status` is not a valid HTTP status code (100 to 999).
    pub fn text(status: u16, body: &str) -> Self {
        Self::raw(
            status,
            Bytes::copy_from_slice(body.as_bytes()),
            "text/plain; charset=utf-8",
        )
    }

    /// A response with exactly these body bytes and this `content-type`, for HTML error
    /// pages, truncated JSON and other bodies a client must survive.
    ///
    /// # Panics
    ///
    /// If `status` is not a valid HTTP status code (100 to 999), or if `content_type` is
    /// not a valid header value.
    pub fn raw(status: u16, body: impl Into<Bytes>, content_type: &str) -> Self {
        Self::new(status, Payload::Body(body.into())).header(CONTENT_TYPE.as_str(), content_type)
    }

    /// A `200` `text/event-stream` with one `data: <json>` event per item, then
    /// `data: [DONE]`. Each event is its own body frame.
    pub fn sse(events: impl IntoIterator<Item = serde_json::Value>) -> Self {
        let events = events.into_iter().map(|e| sse::data_event(&e)).collect();
        Self::new(200, Payload::Sse(events))
    }

    /// Like [`Mock::sse`], with an `event: <name>` line before each `data:` line (the
    /// shape of the Responses and Assistants streams, which send no `[DONE]`: add
    /// [`Mock::without_done`] for those).
    pub fn sse_named<N: AsRef<str>>(
        events: impl IntoIterator<Item = (N, serde_json::Value)>,
    ) -> Self {
        let events = events
            .into_iter()
            .map(|(name, data)| sse::named_event(Some(name.as_ref()), &data))
            .collect();
        Self::new(200, Payload::Sse(events))
    }

    /// A `200` `text/event-stream` whose body is exactly these chunks, each written as its
    /// own body frame (empty chunks are skipped), with no `[DONE]` added.
    ///
    /// hyper may still coalesce frames into one TCP write; add [`Mock::chunk_delay`] to
    /// make the client read them separately.
    pub fn sse_raw(chunks: Vec<Bytes>) -> Self {
        Self::new(200, Payload::SseRaw(chunks))
    }

    /// Accept the request, then close the connection without sending anything: the client
    /// sees a connection error.
    pub fn drop_connection() -> Self {
        Self::new(200, Payload::DropConnection)
    }

    /// Never answer, and keep the connection open until the server is dropped: the
    /// client's own timeout must fire.
    pub fn stall() -> Self {
        Self::new(200, Payload::Stall)
    }

    /// A stream of `events` identical small `chat.completion.chunk` events, then
    /// `data: [DONE]`, written `events_per_write` events per body frame (at least one).
    ///
    /// Frames are produced on demand from one pre-encoded event, so even millions of
    /// events keep the server's memory flat: made for benchmarks.
    pub fn chat_stream_repeat(events: usize, events_per_write: usize) -> Self {
        Self::new(
            200,
            Payload::Repeat {
                events,
                per_write: events_per_write,
            },
        )
    }

    /// Adds a response header (after any added before with the same name). A mock's own
    /// `content-type` or `x-request-id` replaces the server's.
    ///
    /// # Panics
    ///
    /// If `name` is not a valid header name or `value` not a valid header value.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = HeaderName::try_from(name.as_ref())
            .unwrap_or_else(|e| panic!("invalid header name {:?}: {e}", name.as_ref()));
        let value = HeaderValue::try_from(value.as_ref())
            .unwrap_or_else(|e| panic!("invalid header value {:?}: {e}", value.as_ref()));
        if name == CONTENT_TYPE {
            self.headers.insert(name, value);
        } else {
            self.headers.append(name, value);
        }
        self
    }

    /// Replaces the status code.
    ///
    /// # Panics
    ///
    /// If `status` is not a valid HTTP status code (100 to 999).
    pub fn status(mut self, status: u16) -> Self {
        self.status = parse_status(status);
        self
    }

    /// Waits `delay` (with `tokio::time::sleep`, so a paused clock controls it) before
    /// sending the response headers.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Waits `delay` (with `tokio::time::sleep`) between two body frames.
    pub fn chunk_delay(mut self, delay: Duration) -> Self {
        self.chunk_delay = Some(delay);
        self
    }

    /// Sends only the first `n` body frames (SSE events for the stream constructors, chunks
    /// for [`Mock::sse_raw`]), then aborts the connection: the client sees a body error,
    /// not a clean end. No `[DONE]` is sent.
    pub fn cut_after(mut self, n: usize) -> Self {
        self.cut_after = Some(n);
        self
    }

    /// Sends the body one byte per frame, `delay` apart (with `tokio::time::sleep`): a
    /// dripping server. Replaces any [`Mock::chunk_delay`].
    ///
    /// The bytes are the body's: the same JSON, or the same events, only slower. A
    /// client whose timeout covers the whole body fails once the drip outlasts it.
    pub fn drip(mut self, delay: Duration) -> Self {
        self.drip = true;
        self.chunk_delay = Some(delay);
        self
    }

    /// Keeps the connection open once the body is sent (after the `data: [DONE]` of a
    /// stream), sending nothing more and never ending the body, until the client closes
    /// the connection or the server is dropped. With an empty body (`Mock::sse_raw(vec![])`)
    /// this is a server that sends its headers and then stalls.
    pub fn keep_open(mut self) -> Self {
        self.keep_open = true;
        self
    }

    /// Ends an SSE stream without the final `data: [DONE]` event (the body still ends
    /// cleanly).
    pub fn without_done(mut self) -> Self {
        self.done = false;
        self
    }

    /// Sets `error.message` of a [`Mock::error`] body (no effect on other mocks).
    pub fn error_message(mut self, message: impl Into<String>) -> Self {
        if let Payload::Error(parts) = &mut self.payload {
            parts.message = Some(message.into());
        }
        self
    }

    /// Sets `error.code` of a [`Mock::error`] body, e.g. `"insufficient_quota"` (no effect
    /// on other mocks).
    pub fn error_code(mut self, code: impl Into<String>) -> Self {
        if let Payload::Error(parts) = &mut self.payload {
            parts.code = Some(code.into());
        }
        self
    }

    /// Sets `error.type` of a [`Mock::error`] body (no effect on other mocks).
    pub fn error_type(mut self, kind: impl Into<String>) -> Self {
        if let Payload::Error(parts) = &mut self.payload {
            parts.kind = Some(kind.into());
        }
        self
    }

    /// Sets `error.param` of a [`Mock::error`] body (no effect on other mocks).
    pub fn error_param(mut self, param: impl Into<String>) -> Self {
        if let Payload::Error(parts) = &mut self.payload {
            parts.param = Some(param.into());
        }
        self
    }

    pub(crate) fn chat(reply: ChatReply) -> Self {
        Self::new(200, Payload::Chat(reply))
    }

    fn new(status: u16, payload: Payload) -> Self {
        Self {
            status: parse_status(status),
            headers: HeaderMap::new(),
            payload,
            delay: None,
            chunk_delay: None,
            cut_after: None,
            done: true,
            drip: false,
            keep_open: false,
        }
    }

    /// A `200` response whose body is `head`, then `len` bytes of `filler` repeated
    /// (the last copy cut short), then `tail`, produced as it is sent so that even a
    /// body of gigabytes keeps the server's memory flat. `content-type:
    /// application/json` unless a header says otherwise.
    pub(crate) fn fill(head: Bytes, filler: Bytes, len: usize, tail: Bytes) -> Self {
        Self::new(
            200,
            Payload::Fill {
                head,
                filler,
                len,
                tail,
            },
        )
    }

    /// How long to wait before acting.
    pub(crate) fn delay_before(&self) -> Option<Duration> {
        self.delay
    }
}

fn parse_status(status: u16) -> StatusCode {
    StatusCode::from_u16(status)
        .unwrap_or_else(|_| panic!("invalid HTTP status code {status} (must be 100 to 999)"))
}
