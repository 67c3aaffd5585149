//! An in-process mock OpenAI server for tests: scripted responses, SSE, faults, and a tiny
//! deterministic model.
//!
//! # Overview
//!
//! [`MockServer::start`] binds `127.0.0.1` on a free port and serves HTTP/1.1 on the
//! caller's tokio runtime. Point a client at [`MockServer::url`] (it ends in `/v1`), then:
//!
//! - **script answers** with [`MockServer::enqueue`]: each queued [`Mock`] answers exactly
//!   one request, first in first out, whatever the path. Mocks cover JSON bodies, chat
//!   completions, OpenAI-shaped errors, SSE streams, raw bytes, and faults: a delay before
//!   the headers, a delay between body frames, a connection cut mid-stream, a dropped
//!   connection, or no answer at all;
//! - **inspect what the client sent** with [`MockServer::requests`]: every request, in
//!   arrival order, as a [`RecordedRequest`] (method, path, query, headers, body, JSON);
//! - **rely on the built-in model** when nothing is queued (and no
//!   [`MockServer::set_default`] mock is set):
//!   - `POST /v1/chat/completions` echoes the last `user` message as the assistant reply
//!     (with the request's `model`), streamed as `chat.completion.chunk` events when the
//!     request has `"stream": true`, plus a usage chunk when
//!     `stream_options.include_usage` is true;
//!   - `POST /v1/embeddings` returns unit vectors seeded from a hash of each input (1536
//!     dimensions, or `dimensions`; floats, or base64 with `encoding_format: "base64"`);
//!   - `GET /v1/models`, `GET /v1/models/{id}` (404 `model_not_found` for unknown ids) and
//!     `DELETE /v1/models/{id}`;
//!   - anything else is a 404 with an OpenAI-shaped error body; malformed JSON is a 400.
//!
//! Every response carries `x-request-id: req_mock_<n>`, `n` counting requests from 1.
//! Paths work with and without the `/v1` prefix. Request bodies above
//! [`MAX_REQUEST_BODY`] (64 MiB) get a 413 error; nothing a client sends panics the server.
//!
//! The server depends on no other crate of the SDK, and writes its bodies with
//! `serde_json::json!`, so a bug in the client's types cannot be mirrored by the server.
//!
//! # Time
//!
//! The server runs on the runtime that started it, and all its delays use
//! `tokio::time::sleep`. In a `#[tokio::test(start_paused = true)]` test,
//! [`Mock::delay`], [`Mock::chunk_delay`] and client timeouts against [`Mock::stall`]
//! complete instantly in real time while the paused clock advances.
//!
//! # Example
//!
//! ```
//! use http_body_util::{BodyExt, Full};
//! use hyper_util::client::legacy::Client;
//! use hyper_util::rt::TokioExecutor;
//! use openai_mock::{Mock, MockServer};
//!
//! # fn main() {
//! #     let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! #     runtime.block_on(run());
//! # }
//! # async fn run() {
//! let server = MockServer::start().await;
//! server.enqueue(Mock::chat_completion("Hello!"));
//!
//! // Any HTTP client works: point your OpenAI client's base URL at `server.url()`.
//! let client = Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
//! let chat = |content: &str| {
//!     let body = serde_json::json!({
//!         "model": "gpt-4o",
//!         "messages": [{"role": "user", "content": content}],
//!     });
//!     http::Request::post(format!("{}/chat/completions", server.url()))
//!         .header("content-type", "application/json")
//!         .body(Full::from(body.to_string()))
//!         .unwrap()
//! };
//!
//! // The queued mock answers the first request...
//! let response = client.request(chat("Hi")).await.unwrap();
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.headers()["x-request-id"], "req_mock_1");
//! let body = response.into_body().collect().await.unwrap().to_bytes();
//! let completion: serde_json::Value = serde_json::from_slice(&body).unwrap();
//! assert_eq!(completion["choices"][0]["message"]["content"], "Hello!");
//!
//! // ...then the queue is empty and the built-in model echoes the user.
//! let response = client.request(chat("Echo me")).await.unwrap();
//! let body = response.into_body().collect().await.unwrap().to_bytes();
//! let completion: serde_json::Value = serde_json::from_slice(&body).unwrap();
//! assert_eq!(completion["choices"][0]["message"]["content"], "Echo me");
//! assert_eq!(completion["model"], "gpt-4o");
//!
//! let requests = server.requests();
//! assert_eq!(requests.len(), 2);
//! assert_eq!(requests[0].path(), "/v1/chat/completions");
//! assert_eq!(requests[1].json()["messages"][0]["content"], "Echo me");
//! # }
//! ```
//!
//! # Feature flags
//!
//! This crate has no optional features.

#![doc(test(attr(deny(warnings))))]

mod body;
mod chat;
mod embeddings;
mod errors;
mod generated;
mod mock;
mod model;
mod request;
mod route;
mod server;
mod sse;
mod table;

pub use mock::Mock;
pub use request::RecordedRequest;
pub use server::{MAX_REQUEST_BODY, MockServer};
