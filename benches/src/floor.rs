//! The raw floor: a plain hyper-util client, serde_json into minimal structs,
//! and for SSE a plain line splitter. What the SDK is compared with.
//!
//! It does per call what the SDK cannot avoid: serialize an owned params
//! struct, send `content-type` and `authorization`, read the body, and parse
//! the JSON. It sends none of the SDK's other headers and has no timeout,
//! retry, tracing or request-id handling.

use std::error::Error as StdError;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::{Deserialize, Serialize};

/// Any error of the floor; a benchmark fails on the first one.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// The floor client: a pooled hyper-util client and the endpoint's URI.
#[derive(Debug, Clone)]
pub struct Floor {
    client: Client<HttpConnector, Full<Bytes>>,
    chat: Uri,
    embeddings: Uri,
}

/// The embeddings request of the floor: JSON floats, as a client that does
/// not ask for base64 gets them.
#[derive(Debug, Serialize)]
pub struct EmbeddingParams {
    input: Vec<String>,
    model: String,
    encoding_format: &'static str,
}

impl EmbeddingParams {
    /// `inputs` to embed with `model`, answered as JSON floats.
    pub fn new(model: &str, inputs: Vec<String>) -> Self {
        Self {
            input: inputs,
            model: model.to_owned(),
            encoding_format: "float",
        }
    }
}

/// The part of an embeddings answer the floor reads.
#[derive(Debug, Deserialize)]
pub struct Embeddings {
    /// One embedding per input.
    pub data: Vec<Embedding>,
}

/// One embedding of [`Embeddings`].
#[derive(Debug, Deserialize)]
pub struct Embedding {
    /// The vector.
    pub embedding: Vec<f32>,
}

/// The request body, built and serialized on every call as the SDK does.
#[derive(Debug, Serialize)]
pub struct Params {
    messages: Vec<Message>,
    model: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream: Option<bool>,
}

#[derive(Debug, Serialize)]
struct Message {
    // The SDK's generated type writes `content` first; same bytes, same work.
    content: String,
    role: &'static str,
}

/// The part of a chat completion the floor reads.
#[derive(Debug, Deserialize)]
pub struct Completion {
    /// The completion id.
    pub id: String,
    /// The choices.
    pub choices: Vec<Choice>,
}

/// One choice of a [`Completion`].
#[derive(Debug, Deserialize)]
pub struct Choice {
    /// The assistant's message.
    pub message: AssistantMessage,
}

/// The message of a [`Choice`].
#[derive(Debug, Deserialize)]
pub struct AssistantMessage {
    /// The text of the answer.
    pub content: Option<String>,
}

/// The part of a `chat.completion.chunk` the floor reads.
#[derive(Debug, Deserialize)]
pub struct Chunk {
    /// The completion id.
    pub id: String,
    /// The choices' deltas.
    pub choices: Vec<ChunkChoice>,
}

/// One choice of a [`Chunk`].
#[derive(Debug, Deserialize)]
pub struct ChunkChoice {
    /// The delta.
    pub delta: Delta,
}

/// The delta of a [`ChunkChoice`].
#[derive(Debug, Deserialize)]
pub struct Delta {
    /// The next piece of text.
    pub content: Option<String>,
}

impl Params {
    /// `{"messages":[{"content":<text>,"role":"user"}],"model":<model>}`,
    /// with `"stream":true` when `stream`.
    pub fn new(model: &str, text: &str, stream: bool) -> Self {
        Self {
            messages: vec![Message {
                content: text.to_owned(),
                role: "user",
            }],
            model: model.to_owned(),
            stream: stream.then_some(true),
        }
    }
}

impl Floor {
    /// A client for the server at `base_url` (ending in `/v1`), with
    /// `TCP_NODELAY` as the SDK sets it.
    ///
    /// # Panics
    ///
    /// If `base_url` does not make a valid URI.
    pub fn new(base_url: &str) -> Self {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new()).build(http);
        let chat = format!("{base_url}/chat/completions")
            .parse()
            .expect("a valid URI");
        let embeddings = format!("{base_url}/embeddings")
            .parse()
            .expect("a valid URI");
        Self {
            client,
            chat,
            embeddings,
        }
    }

    async fn post(
        &self,
        params: &Params,
    ) -> Result<http::Response<hyper::body::Incoming>, BoxError> {
        self.post_to(&self.chat, params).await
    }

    async fn post_to(
        &self,
        uri: &Uri,
        params: &impl Serialize,
    ) -> Result<http::Response<hyper::body::Incoming>, BoxError> {
        let body = serde_json::to_vec(params)?;
        let request = Request::post(uri.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(AUTHORIZATION, "Bearer k")
            .body(Full::new(Bytes::from(body)))?;
        let response = self.client.request(request).await?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()).into());
        }
        Ok(response)
    }

    /// `POST /chat/completions`, the whole body read.
    ///
    /// # Errors
    ///
    /// Any I/O or HTTP error, or a non-2xx status.
    pub async fn chat_bytes(&self, params: Params) -> Result<Bytes, BoxError> {
        let response = self.post(&params).await?;
        Ok(response.into_body().collect().await?.to_bytes())
    }

    /// `POST /chat/completions`, the whole body read and parsed.
    ///
    /// # Errors
    ///
    /// Any I/O, HTTP or JSON error, or a non-2xx status.
    pub async fn chat(&self, params: Params) -> Result<Completion, BoxError> {
        Ok(serde_json::from_slice(&self.chat_bytes(params).await?)?)
    }

    /// `POST /embeddings` with JSON floats, the whole body read and parsed.
    ///
    /// # Errors
    ///
    /// Any I/O, HTTP or JSON error, or a non-2xx status.
    pub async fn embeddings(&self, params: EmbeddingParams) -> Result<Embeddings, BoxError> {
        let response = self.post_to(&self.embeddings, &params).await?;
        let body = response.into_body().collect().await?.to_bytes();
        Ok(serde_json::from_slice(&body)?)
    }

    /// `POST /chat/completions` with `stream`, every event parsed into a
    /// [`Chunk`] and handed to `each`, up to `data: [DONE]`. Returns the
    /// number of chunks.
    ///
    /// # Errors
    ///
    /// Any I/O, HTTP or JSON error, a non-2xx status, or a body that ends
    /// without `[DONE]`.
    pub async fn chat_stream(
        &self,
        params: Params,
        mut each: impl FnMut(Chunk),
    ) -> Result<usize, BoxError> {
        let mut body = self.post(&params).await?.into_body();
        let mut parser = SseParser::default();
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame?.into_data() else {
                continue;
            };
            if parser.feed(&data, &mut each)? {
                return Ok(parser.chunks());
            }
        }
        Err("the stream ended without [DONE]".into())
    }
}

/// The floor's SSE reader: splits bytes on `\n`, keeps a partial last line
/// for the next feed, strips `data: `, stops at `[DONE]` and parses every
/// other data line into a [`Chunk`]. No other SSE field is understood.
#[derive(Debug, Default)]
pub struct SseParser {
    partial: Vec<u8>,
    chunks: usize,
}

impl SseParser {
    /// Parses the complete lines of what was kept plus `data`, handing each
    /// chunk to `each`; returns `true` at `[DONE]`.
    ///
    /// # Errors
    ///
    /// A data line that is not a chunk's JSON.
    pub fn feed(&mut self, data: &[u8], each: &mut impl FnMut(Chunk)) -> Result<bool, BoxError> {
        let mut rest = data;
        if !self.partial.is_empty() {
            let Some(i) = memchr::memchr(b'\n', rest) else {
                self.partial.extend_from_slice(rest);
                return Ok(false);
            };
            self.partial.extend_from_slice(&rest[..i]);
            rest = &rest[i + 1..];
            let first = std::mem::take(&mut self.partial);
            if self.line(&first, each)? {
                return Ok(true);
            }
            self.partial = first;
            self.partial.clear();
        }
        while let Some(i) = memchr::memchr(b'\n', rest) {
            if self.line(&rest[..i], each)? {
                return Ok(true);
            }
            rest = &rest[i + 1..];
        }
        self.partial.extend_from_slice(rest);
        Ok(false)
    }

    /// The number of chunks parsed so far.
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    fn line(&mut self, line: &[u8], each: &mut impl FnMut(Chunk)) -> Result<bool, BoxError> {
        let Some(data) = line.strip_prefix(b"data: ") else {
            return Ok(false);
        };
        if data == b"[DONE]" {
            return Ok(true);
        }
        each(serde_json::from_slice(data)?);
        self.chunks += 1;
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_across_feeds_and_stops_at_done() {
        let event = br#"data: {"id":"c","choices":[{"delta":{"content":"x"}}]}"#;
        let mut input = Vec::new();
        for _ in 0..3 {
            input.extend_from_slice(event);
            input.extend_from_slice(b"\n\n");
        }
        input.extend_from_slice(b"data: [DONE]\n\ndata: {nope\n\n");
        for size in [1, 7, 64, input.len()] {
            let mut parser = SseParser::default();
            let mut contents = Vec::new();
            let mut done = false;
            for part in input.chunks(size) {
                done = parser
                    .feed(part, &mut |c: Chunk| {
                        contents.push(c.choices[0].delta.content.clone())
                    })
                    .unwrap();
                if done {
                    break;
                }
            }
            assert!(done, "size {size}");
            assert_eq!(parser.chunks(), 3);
            assert_eq!(contents, vec![Some("x".to_owned()); 3]);
        }
    }
}
