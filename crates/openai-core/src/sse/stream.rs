//! [`Stream`]: typed items from an SSE response, per `reference/streaming.md` a.3.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body::Body as _;
use openai_transport::request_id::request_id;
use openai_transport::timeout::{IdleTimeout, IdleTimer, MaxBodySize};
use openai_transport::{HttpResponse, ResponseBody};
use openai_types::ResponseMeta;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Decoder, Event, SseError};
use crate::error::{ApiError, DecodeError, Error, StreamError, StreamErrorKind};
use crate::request::{BODY_START, body_start};

/// A stream of `T` decoded from server-sent events.
///
/// Each item is one event's JSON, by the rules of `reference/streaming.md`
/// a.3 and a few of our own for servers that are not OpenAI's:
///
/// - `data: [DONE]` ends the stream; so does the end of the body, with or
///   without `[DONE]` (as in the Python SDK; Responses streams never send
///   it). A body cut by the transport (a reset, a chunked body without its
///   last chunk) is an error, [`Error::Connection`].
/// - Events without data (a blank `data:`, an `event:` line alone, `id:` or
///   `retry:` alone) are skipped; comments are ignored; a leading byte-order
///   mark is dropped.
/// - An event whose JSON has a truthy `error` (an object or a message) is an
///   [`Error::Api`] with its message and code; so is an `event: error`, or a
///   `"type": "error"` object, that carries its message at the top level
///   (the Responses and Assistants error events).
/// - Events named `thread.*` (Assistants) are read as `{"event": name,
///   "data": data}`, the shape of their union.
/// - A success whose `Content-Type` is not `text/event-stream` (a JSON
///   answer, an HTML gateway page) yields one [`Error::Decode`] that names
///   the status and the content type and holds the start of the body.
/// - No event within the idle timeout ([`ClientBuilder::idle_timeout`](crate::ClientBuilder::idle_timeout),
///   per call [`Request::idle_timeout`](crate::Request::idle_timeout); by
///   default the request's timeout) is [`Error::Timeout`]: keep-alive
///   comments do not count as events.
/// - An event larger than the client's
///   [`max_body_size`](crate::ClientBuilder::max_body_size) (its name and data
///   lines) is an [`Error::Decode`], raised as soon as the bytes received of
///   it pass the limit, so a server cannot make the stream buffer without
///   end. Comments are not kept, so they never count.
///
/// After an error the stream ends. The connection is closed when the stream
/// ends (at `[DONE]`, at an error) or is dropped, whichever comes first.
///
/// # Cancel safety
///
/// Dropping a pending `next()` loses nothing already decoded: events are
/// taken from the decoder only when returned.
pub struct Stream<T> {
    body: ResponseBody,
    decoder: Decoder,
    state: State,
    request_id: Option<String>,
    idle: Option<Pin<Box<IdleTimer>>>,
    /// The most bytes one event may take, when limited.
    max_event: Option<usize>,
    /// The call's span, when a subscriber wants it: events fill in its
    /// response attributes (`telemetry`).
    span: Option<Box<tracing::Span>>,
    _item: PhantomData<fn() -> T>,
}

#[derive(Debug)]
enum State {
    Reading,
    BodyEnded,
    Done,
    /// A success that is not an event stream: the start of its body is read
    /// for the error.
    NotEvents(Box<NotEvents>),
}

#[derive(Debug)]
struct NotEvents {
    status: http::StatusCode,
    content_type: String,
    start: BytesMut,
}

impl<T> Stream<T> {
    /// A stream of the events of `body`, with no idle timeout.
    pub fn new(body: ResponseBody, request_id: Option<String>) -> Self {
        Self {
            body,
            decoder: Decoder::deferring_data_check(),
            state: State::Reading,
            request_id,
            idle: None,
            max_event: None,
            span: None,
            _item: PhantomData,
        }
    }

    /// The stream of a response: its request id, the idle timeout the
    /// transport put in effect, and an error in place of events when the
    /// content type is not `text/event-stream`.
    pub(crate) fn from_response(resp: HttpResponse) -> Self {
        let request_id = request_id(&resp).map(str::to_owned);
        let idle = resp.extensions().get::<IdleTimeout>().and_then(|t| t.0);
        let max_event = resp.extensions().get::<MaxBodySize>().map(|m| m.0);
        let span = crate::telemetry::span_of(&resp).map(|s| Box::new(s.clone()));
        let content_type = resp
            .headers()
            .get(http::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .filter(|ct| !is_event_stream(ct));
        let status = resp.status();
        let mut stream = Self::new(resp.into_body(), request_id);
        if let Some(content_type) = content_type {
            stream.state = State::NotEvents(Box::new(NotEvents {
                status,
                content_type,
                start: BytesMut::new(),
            }));
        }
        if let Some(idle) = idle {
            stream = stream.idle_timeout(idle);
        }
        stream.max_event = max_event;
        stream.span = span;
        stream
    }

    /// Fails the stream with [`Error::Timeout`] when no event arrives for
    /// `idle`.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle = Some(Box::pin(IdleTimer::new(idle)));
        self
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Ends the stream: nothing more is read, and the body is dropped at once,
    /// which closes the connection of a server that would keep it open (after
    /// `[DONE]`, after an error) even while the caller holds the stream.
    fn end(&mut self) {
        self.state = State::Done;
        self.body = ResponseBody::empty();
        self.decoder = Decoder::deferring_data_check();
        self.idle = None;
    }
}

/// Whether a `Content-Type` is `text/event-stream` (parameters and case
/// aside).
fn is_event_stream(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/event-stream")
}

impl<T: DeserializeOwned + ResponseMeta> Stream<T> {
    /// Turns one event into an item, `None` for `[DONE]`.
    ///
    /// reference/streaming.md: an event whose JSON has a truthy top-level
    /// `error` is an API error. The event is parsed once, as `T` (with
    /// `ResponseMeta::from_json_str`: the event unions find their tag in the
    /// text first); a `T` that
    /// keeps its unknown fields shows an `error` among them, and for any other
    /// `T` (or a payload `T` rejects) the text is searched for `"error"` and
    /// only then parsed as a plain JSON value.
    fn item(&mut self, event: &Event) -> Option<Result<T, Error>> {
        // The data is checked as UTF-8 here, once (the decoder defers it), and
        // parsed as `str`, so serde_json does not check each string again.
        let text = match std::str::from_utf8(event.data_bytes()) {
            Ok(text) => text,
            Err(_) => {
                return Some(Err(Error::Stream(StreamError::new(
                    StreamErrorKind::InvalidUtf8,
                ))));
            }
        };
        if text.starts_with("[DONE]") {
            return None;
        }
        if let Some(span) = &self.span {
            crate::telemetry::record_response(span, text.as_bytes());
        }
        let name = event.event();
        if let Some(name) = name.filter(|n| n.starts_with("thread.")) {
            // reference/streaming.md a.3 step 2: Assistants events are
            // `{"event": name, "data": data}`.
            let wrapped = format!(
                "{{\"event\":{},\"data\":{text}}}",
                Value::String(name.to_owned())
            );
            return Some(T::from_json_str(&wrapped).map_err(|e| self.decode_error(e)));
        }
        let parsed = T::from_json_str(text);
        if let Ok(value) = &parsed {
            if let Some(extra) = value.unknown_fields() {
                if name != Some("error") {
                    return Some(match extra.get("error").filter(|e| truthy(e)) {
                        Some(err) => Err(self.api_error(err.clone(), text)),
                        None => parsed.map_err(|e| self.decode_error(e)),
                    });
                }
            }
        }
        static ERROR_KEY: LazyLock<memchr::memmem::Finder<'static>> =
            LazyLock::new(|| memchr::memmem::Finder::new(b"\"error\""));
        if name == Some("error") || ERROR_KEY.find(text.as_bytes()).is_some() {
            if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
                if let Some(err) = map.get("error").filter(|e| truthy(e)) {
                    return Some(Err(self.api_error(err.clone(), text)));
                }
                // The Responses `error` event and the Assistants `event:
                // error`: the message is at the top level.
                let is_error = name == Some("error")
                    || map.get("type").and_then(Value::as_str) == Some("error");
                if is_error && map.get("message").is_some_and(truthy) {
                    return Some(Err(self.api_error(Value::Object(map), text)));
                }
            }
        }
        Some(parsed.map_err(|e| self.decode_error(e)))
    }

    fn api_error(&self, error: Value, text: &str) -> Error {
        Error::Api(ApiError::from_stream(
            error,
            self.request_id.clone(),
            Bytes::copy_from_slice(text.as_bytes()),
        ))
    }

    fn decode_error(&self, e: serde_json::Error) -> Error {
        Error::Decode(
            DecodeError::new(format!("invalid stream event: {e}"), Some(e))
                .with_request_id(self.request_id.as_deref()),
        )
    }

    /// The error of an event past the size limit.
    fn event_too_large(&self, limit: usize) -> Error {
        Error::Decode(
            DecodeError::new(
                format!("a stream event is larger than {limit} bytes (the client's max_body_size)"),
                None,
            )
            .with_request_id(self.request_id.as_deref()),
        )
    }

    /// The error of a success that is not an event stream.
    fn not_events(&self, not: &NotEvents) -> Error {
        let start = body_start(&not.start);
        Error::Decode(
            DecodeError::new(
                format!(
                    "expected an event stream (text/event-stream), got {} with content type {}: {start}",
                    not.status, not.content_type
                ),
                None,
            )
            .with_request_id(self.request_id.as_deref()),
        )
    }

    /// Reads the start of a body that is not an event stream, then fails.
    fn poll_not_events(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        loop {
            let State::NotEvents(not) = &mut self.state else {
                return Poll::Ready(None);
            };
            // One byte past what is shown tells whether there was more.
            let full = not.start.len() > BODY_START;
            let ended = full
                || match Pin::new(&mut self.body).poll_frame(cx) {
                    Poll::Ready(Some(Ok(frame))) => {
                        if let Ok(data) = frame.into_data() {
                            let room = BODY_START + 1 - not.start.len();
                            not.start.extend_from_slice(&data[..data.len().min(room)]);
                        }
                        false
                    }
                    Poll::Ready(Some(Err(_)) | None) => true,
                    Poll::Pending => {
                        let elapsed = self
                            .idle
                            .as_mut()
                            .is_some_and(|idle| idle.as_mut().poll_elapsed(cx).is_ready());
                        if !elapsed {
                            return Poll::Pending;
                        }
                        true
                    }
                };
            if ended {
                let State::NotEvents(not) = std::mem::replace(&mut self.state, State::Done) else {
                    unreachable!("checked above");
                };
                self.end();
                return Poll::Ready(Some(Err(self.not_events(&not))));
            }
        }
    }
}

impl<T: DeserializeOwned + ResponseMeta> futures_core::Stream for Stream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            let next = match this.state {
                State::Done => return Poll::Ready(None),
                State::NotEvents(_) => return this.poll_not_events(cx),
                State::Reading => this.decoder.next_event(),
                State::BodyEnded => this.decoder.finish(),
            };
            match next {
                Some(Ok(event)) => {
                    if let Some(idle) = this.idle.as_mut() {
                        idle.as_mut().progress();
                    }
                    // Events without data: nothing to parse.
                    if event.data_bytes().iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    match this.item(&event) {
                        None => {
                            this.end();
                            return Poll::Ready(None);
                        }
                        Some(Err(e)) => {
                            this.end();
                            return Poll::Ready(Some(Err(e)));
                        }
                        Some(Ok(item)) => return Poll::Ready(Some(Ok(item))),
                    }
                }
                Some(Err(SseError::InvalidUtf8 { .. })) => {
                    this.end();
                    return Poll::Ready(Some(Err(Error::Stream(StreamError::new(
                        StreamErrorKind::InvalidUtf8,
                    )))));
                }
                // The body ended by its own framing: the stream ends.
                None if matches!(this.state, State::BodyEnded) => {
                    this.end();
                    return Poll::Ready(None);
                }
                None => {
                    // Every complete event is out: what the decoder holds is the
                    // event still arriving.
                    if let Some(limit) = this
                        .max_event
                        .filter(|&limit| this.decoder.pending_len() > limit)
                    {
                        this.end();
                        return Poll::Ready(Some(Err(this.event_too_large(limit))));
                    }
                }
            }
            match Pin::new(&mut this.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        this.decoder.feed(data);
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.end();
                    return Poll::Ready(Some(Err(Error::from_transport(e))));
                }
                Poll::Ready(None) => this.state = State::BodyEnded,
                Poll::Pending => {
                    if let Some(idle) = this.idle.as_mut() {
                        if idle.as_mut().poll_elapsed(cx).is_ready() {
                            this.end();
                            return Poll::Ready(Some(Err(Error::Timeout)));
                        }
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

impl<T> fmt::Debug for Stream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stream")
            .field("state", &self.state)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

/// Python truthiness of a JSON value: `null`, `false`, `0`, `""`, `[]` and
/// `{}` are false.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        n: u32,
    }

    impl ResponseMeta for Item {}

    fn chunks(parts: &[&'static str]) -> ResponseBody {
        let frames: Vec<Result<http_body::Frame<Bytes>, std::convert::Infallible>> = parts
            .iter()
            .map(|p| Ok(http_body::Frame::data(Bytes::from_static(p.as_bytes()))))
            .collect();
        ResponseBody::new(http_body_util::StreamBody::new(futures_util::stream::iter(
            frames,
        )))
    }

    async fn collect(parts: &[&'static str]) -> Vec<Result<Item, Error>> {
        Stream::<Item>::new(chunks(parts), None).collect().await
    }

    #[tokio::test]
    async fn items_until_done() {
        let out = collect(&[
            "data: {\"n\":1}\n\n",
            "data: {\"n\"",
            ":2}\n\ndata: [DONE]\n\ndata: {\"n\":3}\n\n",
        ])
        .await;
        let items: Vec<_> = out.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [Item { n: 1 }, Item { n: 2 }]);
    }

    #[tokio::test]
    async fn the_end_of_the_body_ends_the_stream_without_done() {
        let out = collect(&["data: {\"n\":1}\n\n"]).await;
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].as_ref().unwrap(), &Item { n: 1 });
        // An event without its blank line is dropped, as the rules say.
        let out = collect(&["data: {\"n\":1}\n\ndata: {\"n\":2}"]).await;
        assert_eq!(out.len(), 1);
    }

    #[tokio::test]
    async fn events_without_data_are_skipped_and_a_bom_is_dropped() {
        let out = collect(&[
            "\u{feff}data: {\"n\":0}\n\n: a comment\n\n",
            "data:\n\n",
            "event: ping\n\n",
            "retry: 100\n\n",
            "id: 7\n\n",
            "data: {\"n\":1}\n\n",
            "\n\n",
            "data: {\"n\":2}\n\n",
        ])
        .await;
        let items: Vec<_> = out.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [Item { n: 0 }, Item { n: 1 }, Item { n: 2 }]);
    }

    #[tokio::test]
    async fn error_payloads_become_api_errors() {
        let out =
            collect(&["data: {\"error\": {\"message\": \"overloaded\", \"code\": \"busy\"}}\n\n"])
                .await;
        let Err(Error::Api(e)) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(e.message(), "overloaded");
        assert_eq!(e.code(), Some("busy"));
        assert!(e.is_stream_error());
        assert_eq!(out.len(), 1, "the stream ends after an error");
        // A falsy `error` is an ordinary field.
        #[derive(Debug, Deserialize)]
        struct WithError {
            error: Option<String>,
        }
        impl ResponseMeta for WithError {}
        let out: Vec<_> = Stream::<WithError>::new(
            chunks(&["data: {\"error\": null}\n\ndata: [DONE]\n\n"]),
            None,
        )
        .collect()
        .await;
        assert!(out[0].as_ref().unwrap().error.is_none());
        let out = collect(&["event: error\ndata: {\"error\": {}}\n\ndata: [DONE]\n\n"]).await;
        assert!(
            out[0].is_err(),
            "an empty error object is falsy, so it decodes as an item and fails on `n`"
        );
    }

    #[cfg(feature = "chat")]
    #[tokio::test]
    async fn error_payloads_are_found_among_the_unknown_fields() {
        use openai_types::chat::ChatCompletionChunk;
        let body = chunks(&[
            "data: {\"id\":\"c\",\"choices\":[],\"error\":null}\n\n",
            "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n",
        ]);
        let out: Vec<_> = Stream::<ChatCompletionChunk>::new(body, Some("req_1".into()))
            .collect()
            .await;
        assert_eq!(out.len(), 2);
        let first = out[0].as_ref().unwrap();
        assert_eq!(first.id, "c");
        assert_eq!(first.extra_fields().get("error"), Some(&Value::Null));
        let Err(Error::Api(e)) = &out[1] else {
            panic!("{out:?}")
        };
        assert_eq!(e.message(), "overloaded");
        assert_eq!(e.request_id(), Some("req_1"));
    }

    #[tokio::test]
    async fn data_that_is_not_utf8_ends_the_stream_with_an_error() {
        let body = ResponseBody::new(http_body_util::StreamBody::new(futures_util::stream::iter(
            [
                &b"data: {\"n\":1}\n\n"[..],
                // A character split across reads is fine; a bad byte is not.
                &b"data: {\"n\":2,\"s\":\"\xc3"[..],
                &b"\xa9\"}\n\n"[..],
                &b"data: {\"n\":3,\"s\":\"\xff\"}\n\ndata: {\"n\":4}\n\n"[..],
            ]
            .map(|b| {
                Ok::<_, std::convert::Infallible>(http_body::Frame::data(Bytes::from_static(b)))
            }),
        )));
        let out: Vec<_> = Stream::<Item>::new(body, None).collect().await;
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(out[0].as_ref().unwrap(), &Item { n: 1 });
        assert_eq!(out[1].as_ref().unwrap(), &Item { n: 2 });
        assert!(
            matches!(&out[2], Err(Error::Stream(e)) if e.kind() == StreamErrorKind::InvalidUtf8),
            "{out:?}"
        );
    }

    #[tokio::test]
    async fn error_events_with_a_top_level_message_are_api_errors() {
        #[derive(Debug, Deserialize)]
        struct Any {}
        impl ResponseMeta for Any {}
        let cases = [
            // The Responses `error` event (a union member in the spec).
            "event: error\ndata: {\"type\":\"error\",\"code\":\"busy\",\"message\":\"overloaded\",\"sequence_number\":3}\n\n",
            // The same without an event name.
            "data: {\"type\":\"error\",\"code\":\"busy\",\"message\":\"overloaded\"}\n\n",
            // The Assistants `event: error` (an error object).
            "event: error\ndata: {\"code\":\"busy\",\"message\":\"overloaded\"}\n\n",
            // Nested under `error`.
            "data: {\"type\":\"error\",\"error\":{\"code\":\"busy\",\"message\":\"overloaded\"}}\n\n",
        ];
        for case in cases {
            let out: Vec<_> = Stream::<Any>::new(chunks(&[case, "data: {}\n\n"]), None)
                .collect()
                .await;
            assert_eq!(out.len(), 1, "{case}: the stream ends at the error");
            let Err(Error::Api(e)) = &out[0] else {
                panic!("{case}: {out:?}")
            };
            assert_eq!(e.message(), "overloaded", "{case}");
            assert_eq!(e.code(), Some("busy"), "{case}");
        }
        // An object that merely has a `type` of its own is an item.
        let out: Vec<_> = Stream::<Any>::new(
            chunks(&["data: {\"type\":\"response.created\",\"message\":\"hi\"}\n\n"]),
            None,
        )
        .collect()
        .await;
        assert!(out[0].is_ok(), "{out:?}");
    }

    #[tokio::test]
    async fn assistants_events_are_read_with_their_name() {
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(tag = "event", content = "data")]
        enum Assistant {
            #[serde(rename = "thread.run.created")]
            RunCreated { id: String },
        }
        impl ResponseMeta for Assistant {}
        let out: Vec<_> = Stream::<Assistant>::new(
            chunks(&[
                "event: thread.run.created\ndata: {\"id\":\"run_1\"}\n\n",
                "event: done\ndata: [DONE]\n\n",
            ]),
            None,
        )
        .collect()
        .await;
        let items: Vec<_> = out.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [Assistant::RunCreated { id: "run_1".into() }]);
    }

    #[tokio::test]
    async fn an_event_past_the_size_limit_is_a_decode_error() {
        let mut stream = Stream::<Item>::new(
            chunks(&[
                "data: {\"n\":1}\n\n",
                "data: {\"n\":2,",
                "\"pad\":\"xxxxxxxxxxxxxxxxxxxx",
                "xxxxxxxxxxxxxxxxxxxx\"}\n\n",
            ]),
            Some("req_1".into()),
        );
        stream.max_event = Some(32);
        let out: Vec<_> = stream.collect().await;
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].as_ref().unwrap(), &Item { n: 1 });
        let Err(Error::Decode(e)) = &out[1] else {
            panic!("{out:?}")
        };
        assert!(e.to_string().contains("larger than 32 bytes"), "{e}");
        assert_eq!(e.request_id(), Some("req_1"));
        // Events under the limit, however many, pass.
        let mut stream = Stream::<Item>::new(chunks(&["data: {\"n\":1}\n\n"; 10]), None);
        stream.max_event = Some(16);
        let out: Vec<_> = stream.collect().await;
        assert_eq!(out.len(), 10);
        assert!(out.iter().all(Result::is_ok), "{out:?}");
    }

    /// A body that never ends after its frames, and says when it is dropped.
    struct OpenBody {
        frames: std::collections::VecDeque<Bytes>,
        dropped: std::sync::Arc<std::sync::atomic::AtomicBool>,
    }

    impl http_body::Body for OpenBody {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
            match self.frames.pop_front() {
                Some(frame) => Poll::Ready(Some(Ok(http_body::Frame::data(frame)))),
                None => Poll::Pending,
            }
        }
    }

    impl Drop for OpenBody {
        fn drop(&mut self) {
            self.dropped
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[tokio::test]
    async fn the_end_of_the_stream_lets_go_of_a_connection_left_open() {
        for last in ["data: [DONE]\n\n", "data: {nope}\n\n"] {
            let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let body = OpenBody {
                frames: [
                    Bytes::from_static(b"data: {\"n\":1}\n\n"),
                    Bytes::from(last),
                ]
                .into(),
                dropped: dropped.clone(),
            };
            let mut stream = Stream::<Item>::new(ResponseBody::new(body), None);
            assert_eq!(stream.next().await.unwrap().unwrap(), Item { n: 1 });
            let end = stream.next().await;
            assert!(end.as_ref().is_none_or(Result::is_err), "{last}: {end:?}");
            assert!(stream.next().await.is_none());
            // The caller still holds the stream; the body is gone all the same.
            assert!(dropped.load(std::sync::atomic::Ordering::SeqCst), "{last}");
        }
    }

    #[tokio::test]
    async fn bad_json_is_a_decode_error() {
        let out = collect(&["data: {nope\n\n"]).await;
        assert!(matches!(out[0], Err(Error::Decode(_))));
    }
}
