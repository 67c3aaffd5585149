//! [`Stream`]: typed items from an SSE response, per `reference/streaming.md` a.3.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Body as _;
use openai_transport::ResponseBody;
use openai_types::ResponseMeta;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Decoder, Event, SseError};
use crate::error::{ApiError, DecodeError, Error, StreamError, StreamErrorKind};

/// A stream of `T` decoded from server-sent events.
///
/// Each item is one event's JSON. The stream ends at `data: [DONE]`; a body
/// that ends before it yields [`Error::Stream`] (kind
/// [`Incomplete`](StreamErrorKind::Incomplete)) instead of a silent end. An
/// event whose JSON has a truthy `error` key yields [`Error::Api`]. After an
/// error the stream ends. Dropping the stream closes the connection.
///
/// # Cancel safety
///
/// Dropping a pending `next()` loses nothing already decoded: events are
/// taken from the decoder only when returned.
pub struct Stream<T> {
    body: ResponseBody,
    decoder: Decoder,
    state: State,
    expect_done: bool,
    request_id: Option<String>,
    _item: PhantomData<fn() -> T>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Reading,
    BodyEnded,
    Done,
}

impl<T> Stream<T> {
    /// A stream over `body`. With `expect_done`, the body must end with
    /// `[DONE]` (chat and completions); without, the body's end ends the
    /// stream (the Responses API).
    pub fn new(body: ResponseBody, expect_done: bool, request_id: Option<String>) -> Self {
        Self {
            body,
            decoder: Decoder::deferring_data_check(),
            state: State::Reading,
            expect_done,
            request_id,
            _item: PhantomData,
        }
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl<T: DeserializeOwned + ResponseMeta> Stream<T> {
    /// Turns one event into an item, `None` for `[DONE]`.
    ///
    /// reference/streaming.md: an event whose JSON has a truthy top-level
    /// `error` is an API error. The event is parsed once, as `T`; a `T` that
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
        // reference/streaming.md, rule 2: an Assistants event carries its
        // name in `event: thread.*` and only the payload in `data`; the item
        // is `{"event": <name>, "data": <payload>}`, which the
        // `AssistantStreamEvent` union reads by its `event` tag. No error
        // check in this branch (as in the reference).
        if let Some(name) = event.event().filter(|n| n.starts_with("thread.")) {
            let item = serde_json::from_str::<Value>(text).and_then(|data| {
                let mut wrapped = serde_json::Map::new();
                wrapped.insert("event".to_owned(), Value::String(name.to_owned()));
                wrapped.insert("data".to_owned(), data);
                serde_json::from_value::<T>(Value::Object(wrapped))
            });
            return Some(item.map_err(|e| self.decode_error(e)));
        }
        let parsed = serde_json::from_str::<T>(text);
        if let Ok(value) = &parsed {
            if let Some(extra) = value.unknown_fields() {
                return Some(match extra.get("error").filter(|e| truthy(e)) {
                    Some(err) => Err(self.api_error(err.clone(), text)),
                    None => parsed.map_err(|e| self.decode_error(e)),
                });
            }
        }
        static ERROR_KEY: LazyLock<memchr::memmem::Finder<'static>> =
            LazyLock::new(|| memchr::memmem::Finder::new(b"\"error\""));
        if ERROR_KEY.find(text.as_bytes()).is_some() {
            if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
                if let Some(err) = map.get("error").filter(|e| truthy(e)) {
                    return Some(Err(self.api_error(err.clone(), text)));
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
}

impl<T: DeserializeOwned + ResponseMeta> futures_core::Stream for Stream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            let next = match this.state {
                State::Done => return Poll::Ready(None),
                State::Reading => this.decoder.next_event(),
                State::BodyEnded => this.decoder.finish(),
            };
            match next {
                Some(Ok(event)) => match this.item(&event) {
                    None => {
                        this.state = State::Done;
                        return Poll::Ready(None);
                    }
                    Some(Err(e)) => {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(e)));
                    }
                    Some(Ok(item)) => return Poll::Ready(Some(Ok(item))),
                },
                Some(Err(SseError::InvalidUtf8 { .. })) => {
                    this.state = State::Done;
                    return Poll::Ready(Some(Err(Error::Stream(StreamError::new(
                        StreamErrorKind::InvalidUtf8,
                    )))));
                }
                None if this.state == State::BodyEnded => {
                    this.state = State::Done;
                    if this.expect_done {
                        return Poll::Ready(Some(Err(Error::Stream(StreamError::new(
                            StreamErrorKind::Incomplete,
                        )))));
                    }
                    return Poll::Ready(None);
                }
                None => {}
            }
            match Pin::new(&mut this.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        this.decoder.feed(data);
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.state = State::Done;
                    return Poll::Ready(Some(Err(Error::from_transport(e))));
                }
                Poll::Ready(None) => this.state = State::BodyEnded,
                Poll::Pending => return Poll::Pending,
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

    async fn collect(parts: &[&'static str], expect_done: bool) -> Vec<Result<Item, Error>> {
        Stream::<Item>::new(chunks(parts), expect_done, None)
            .collect()
            .await
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Envelope {
        event: String,
        data: Item,
    }

    impl ResponseMeta for Envelope {}

    #[tokio::test]
    async fn assistants_events_are_wrapped_with_their_name() {
        let body = chunks(&[
            "event: thread.run.created\ndata: {\"n\":1}\n\n",
            "event: done\ndata: [DONE]\n\n",
        ]);
        let out: Vec<_> = Stream::<Envelope>::new(body, false, None).collect().await;
        let items: Vec<_> = out.into_iter().map(Result::unwrap).collect();
        let want = Envelope {
            event: "thread.run.created".to_owned(),
            data: Item { n: 1 },
        };
        assert_eq!(items, [want]);
    }

    #[tokio::test]
    async fn items_until_done() {
        let out = collect(
            &[
                "data: {\"n\":1}\n\n",
                "data: {\"n\"",
                ":2}\n\ndata: [DONE]\n\ndata: {\"n\":3}\n\n",
            ],
            true,
        )
        .await;
        let items: Vec<_> = out.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [Item { n: 1 }, Item { n: 2 }]);
    }

    #[tokio::test]
    async fn end_without_done_is_an_error() {
        let out = collect(&["data: {\"n\":1}\n\n"], true).await;
        assert_eq!(out.len(), 2);
        assert!(
            matches!(&out[1], Err(Error::Stream(e)) if e.kind() == StreamErrorKind::Incomplete)
        );
        // Without [DONE] expected, the end of the body ends the stream.
        assert_eq!(collect(&["data: {\"n\":1}\n\n"], false).await.len(), 1);
    }

    #[tokio::test]
    async fn error_payloads_become_api_errors() {
        let out = collect(
            &["data: {\"error\": {\"message\": \"overloaded\", \"code\": \"busy\"}}\n\n"],
            true,
        )
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
            true,
            None,
        )
        .collect()
        .await;
        assert!(out[0].as_ref().unwrap().error.is_none());
        let out = collect(
            &["event: error\ndata: {\"error\": {}}\n\ndata: [DONE]\n\n"],
            true,
        )
        .await;
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
        let out: Vec<_> = Stream::<ChatCompletionChunk>::new(body, true, Some("req_1".into()))
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
        let out: Vec<_> = Stream::<Item>::new(body, true, None).collect().await;
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(out[0].as_ref().unwrap(), &Item { n: 1 });
        assert_eq!(out[1].as_ref().unwrap(), &Item { n: 2 });
        assert!(
            matches!(&out[2], Err(Error::Stream(e)) if e.kind() == StreamErrorKind::InvalidUtf8),
            "{out:?}"
        );
    }

    #[tokio::test]
    async fn bad_json_is_a_decode_error() {
        let out = collect(&["data: {nope\n\n"], true).await;
        assert!(matches!(out[0], Err(Error::Decode(_))));
    }
}
