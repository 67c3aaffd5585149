//! Turning a [`Mock`] into the response (or the fault) for one request.

use bytes::Bytes;
use http::Response;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};

use super::{Mock, Payload};
use crate::body::MockBody;
use crate::chat::{self, Usage};
use crate::errors;
use crate::sse;

/// The header carrying the request id on every response.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const JSON: &str = "application/json";

/// What a mock does instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Close the connection without answering.
    DropConnection,
    /// Never answer.
    Stall,
}

impl Mock {
    /// Turns the mock into the response to request number `n`, or the fault to play.
    pub(crate) fn into_response(self, n: u64) -> Result<Response<MockBody>, Fault> {
        let done = Bytes::from_static(sse::DONE);
        let (body, content_type) = match self.payload {
            Payload::DropConnection => return Err(Fault::DropConnection),
            Payload::Stall => return Err(Fault::Stall),
            Payload::Body(bytes) => (MockBody::full(bytes), JSON),
            Payload::Error(parts) => {
                let body = errors::error_body(self.status.as_u16(), &parts);
                (MockBody::full(json_bytes(&body)), JSON)
            }
            Payload::Chat(reply) => {
                let usage = Usage::for_reply(reply.prompt_tokens, &reply.text);
                if reply.stream {
                    let events = chat::stream_events(
                        n,
                        &reply.model,
                        &reply.text,
                        usage,
                        reply.include_usage,
                    );
                    (
                        with_done(MockBody::frames(events), self.done, done),
                        sse::CONTENT_TYPE,
                    )
                } else {
                    let body = chat::completion(n, &reply.model, &reply.text, usage);
                    (MockBody::full(json_bytes(&body)), JSON)
                }
            }
            Payload::Sse(events) => (
                with_done(MockBody::frames(events), self.done, done),
                sse::CONTENT_TYPE,
            ),
            Payload::SseRaw(chunks) => (MockBody::frames(chunks), sse::CONTENT_TYPE),
            Payload::Repeat { events, per_write } => {
                let body = MockBody::repeat(chat::repeat_event(), events, per_write);
                (with_done(body, self.done, done), sse::CONTENT_TYPE)
            }
            Payload::Fill {
                head,
                filler,
                len,
                tail,
            } => (MockBody::fill(head, filler, len).with_tail(tail), JSON),
        };
        let mut body = body.with_chunk_delay(self.chunk_delay);
        if let Some(n) = self.cut_after {
            body = body.cut_after(n);
        }
        if self.drip {
            body = body.dripping();
        }
        if self.keep_open {
            body = body.hanging();
        }
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        let mut headers = self.headers;
        if !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        if !headers.contains_key(REQUEST_ID) {
            if let Ok(id) = HeaderValue::try_from(format!("req_mock_{n}")) {
                headers.insert(REQUEST_ID, id);
            }
        }
        *response.headers_mut() = headers;
        Ok(response)
    }
}

fn with_done(body: MockBody, done: bool, tail: Bytes) -> MockBody {
    if done { body.with_tail(tail) } else { body }
}

fn json_bytes(value: &serde_json::Value) -> Bytes {
    // Serializing a `Value` cannot fail.
    serde_json::to_vec(value).unwrap_or_default().into()
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use serde_json::{Value, json};

    use super::*;

    async fn render(mock: Mock, n: u64) -> (Response<()>, Bytes) {
        let (parts, body) = mock.into_response(n).unwrap().into_parts();
        let bytes = body.collect().await.unwrap().to_bytes();
        (Response::from_parts(parts, ()), bytes)
    }

    #[tokio::test]
    async fn error_body_follows_the_final_status() {
        let (head, body) = render(Mock::error(400).status(429), 3).await;
        assert_eq!(head.status(), 429);
        assert_eq!(head.headers()["x-request-id"], "req_mock_3");
        assert_eq!(head.headers()["content-type"], "application/json");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "rate_limit_exceeded");
    }

    #[tokio::test]
    async fn mock_headers_replace_the_defaults() {
        let mock = Mock::ok(json!({}))
            .header("content-type", "application/x-custom")
            .header("x-request-id", "req_1")
            .header("set-cookie", "a=1")
            .header("set-cookie", "b=2");
        let (head, _) = render(mock, 9).await;
        assert_eq!(head.headers()["content-type"], "application/x-custom");
        assert_eq!(head.headers().get_all("x-request-id").iter().count(), 1);
        assert_eq!(head.headers()["x-request-id"], "req_1");
        assert_eq!(head.headers().get_all("set-cookie").iter().count(), 2);
    }

    #[test]
    fn faults_have_no_response() {
        assert_eq!(Mock::stall().into_response(1).unwrap_err(), Fault::Stall);
        assert_eq!(
            Mock::drop_connection().into_response(1).unwrap_err(),
            Fault::DropConnection
        );
    }

    #[tokio::test]
    async fn without_done_drops_only_the_done_event() {
        let (_, body) = render(Mock::sse([json!(1)]), 1).await;
        assert_eq!(body, "data: 1\n\ndata: [DONE]\n\n");
        let (_, body) = render(Mock::sse([json!(1)]).without_done(), 1).await;
        assert_eq!(body, "data: 1\n\n");
    }
}
