//! A mock OpenAI server for tests: scripted responses, SSE, faults, a tiny deterministic
//! model, and an answer for every operation of the API.
//!
//! # Overview
//!
//! [`MockServer::start`] binds `127.0.0.1` on a free port and serves HTTP/1.1 on the
//! caller's tokio runtime ([`MockServer::bind`] takes the address). Point a client at
//! [`MockServer::url`] (it ends in `/v1`), then:
//!
//! - **script answers** with [`MockServer::enqueue`]: each queued [`Mock`] answers exactly
//!   one request, first in first out, whatever the path. Mocks cover JSON bodies, chat
//!   completions, OpenAI-shaped errors, SSE streams, raw bytes, and faults: a delay before
//!   the headers, a delay between body frames, a body dripped byte by byte, a connection
//!   cut mid-stream or held open after the body, a dropped connection, or no answer at
//!   all; the [hostile servers](#hostile-servers) combine them into a ready-made catalog;
//! - **script answers per path** with [`MockServer::mock_path`]: the mock answers every
//!   request to that method and path template (`"/v1/files/{file_id}"`) until
//!   [`MockServer::clear_path_mocks`]; queued mocks still answer first;
//! - **script WebSocket connections** with [`MockServer::enqueue_ws`]: each queued
//!   [`WsScript`] plays on one connection (send events, expect client messages, delay,
//!   close or drop); see [WebSocket](#websocket);
//! - **inspect what the client sent** with [`MockServer::requests`]: every request, in
//!   arrival order, as a [`RecordedRequest`] (method, path, query, headers, body, JSON);
//! - **rely on the built-in model** when nothing is queued or mocked for the path (and no
//!   [`MockServer::set_default`] mock is set):
//!   - `POST /v1/chat/completions` echoes the last `user` message as the assistant reply
//!     (with the request's `model`), streamed as `chat.completion.chunk` events when the
//!     request has `"stream": true`, plus a usage chunk when
//!     `stream_options.include_usage` is true;
//!   - `POST /v1/embeddings` returns unit vectors seeded from a hash of each input (1536
//!     dimensions, or `dimensions`; floats, or base64 with `encoding_format: "base64"`);
//!   - `GET /v1/models`, `GET /v1/models/{id}` (404 `model_not_found` for unknown ids) and
//!     `DELETE /v1/models/{id}`;
//!   - WebSocket handshakes to `/v1/realtime` and `/v1/responses` get the built-in Realtime
//!     and Responses WebSocket models (see [WebSocket](#websocket));
//! - **and on the spec for everything else**: every other operation of the OpenAI API
//!   answers with a valid response, the spec's example where one fits the response schema,
//!   else a value built from the schema (required fields, constants, first enum values,
//!   string ids). The answer carries `x-mock-operation: <operationId>`. In detail:
//!   - list operations page: three items, two per page (or `limit`), the next page with
//!     `?after=<cursor>` (the last item's `id`, or `last_id`, or `next`, as the operation
//!     pages), and `has_more: false` on the last page, so auto-pagers end;
//!   - an object read through its id takes that id (`GET /v1/files/file-1` answers
//!     `"id": "file-1"`, as do `.../{id}/cancel` and similar actions);
//!   - binary operations (file content, speech, video content, skill bundles, the SDP of a
//!     realtime call) answer bytes with their content type; bodiless ones an empty body;
//!   - operations that stream answer SSE when the request asks for it (`"stream": true`
//!     in a JSON body, a `stream=true` form field or query parameter, or
//!     `"stream_format": "sse"`): a first and a last event built from the event schema
//!     (`response.created`, `response.completed`; `thread.created`, `thread.run.completed`,
//!     ...), named with `event:` lines, ended as the API ends them (`data: [DONE]` for
//!     completions, `event: done` for Assistants runs, else by closing);
//!   - request bodies are not validated: JSON, multipart forms and raw bytes are all
//!     accepted;
//!   - an unknown path is a 404 with an OpenAI-shaped error body; malformed JSON sent to
//!     the built-in model is a 400.
//!
//! The table of answers is generated from the OpenAPI spec by `cargo xtask codegen` and
//! committed, so building the crate never needs the spec.
//!
//! Every response carries `x-request-id: req_mock_<n>`, `n` counting requests from 1.
//! Paths work with and without the `/v1` prefix, and under Azure's prefixes (`/openai/...`,
//! `/openai/v1/...`, `/openai/deployments/{deployment}/...`), so an Azure client runs
//! against it too. Request bodies above
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
//!
//! // Every other operation answers from the spec: here the first page of a file list.
//! let files = http::Request::get(format!("{}/files", server.url()))
//!     .body(Full::default())
//!     .unwrap();
//! let response = client.request(files).await.unwrap();
//! assert_eq!(response.headers()["x-mock-operation"], "listFiles");
//! let body = response.into_body().collect().await.unwrap().to_bytes();
//! let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
//! assert_eq!(page["data"][0]["object"], "file");
//! assert_eq!(page["has_more"], true);
//! # }
//! ```
//!
//! # WebSocket
//!
//! A WebSocket handshake is a request like the others: recorded by
//! [`MockServer::requests`] (method `GET`, path, query, headers) and answered from the same
//! queue, where each request takes the earliest entry that can answer it. A [`Mock`]
//! answers any request, a handshake included, as plain HTTP (queue `Mock::error(401)` to
//! make a connection fail); a [`WsScript`] answers only a handshake, which it upgrades and
//! plays its steps on. With nothing queued, `GET /v1/realtime` plays a small Realtime
//! session (`session.created`, then `session.updated`, `response.created`,
//! `response.output_text.delta` and `response.done` as the client asks) and
//! `GET /v1/responses` the Responses WebSocket mode (`response.created`,
//! `response.output_text.delta`, `response.output_text.done`, `response.completed` for each
//! `response.create`); other paths answer 404 and malformed handshakes 400. The
//! [`websocket`] module has the details. Messages clients send are recorded in
//! [`MockServer::ws_messages`], close codes in [`MockServer::ws_closes`].
//!
//! ```
//! use futures_util::{SinkExt, StreamExt};
//! use openai_mock::{MockServer, WsScript};
//! use serde_json::json;
//! use tokio_tungstenite::tungstenite::Message;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let server = MockServer::start().await;
//! server.enqueue_ws(
//!     WsScript::new()
//!         .send(json!({"type": "session.created", "event_id": "event_1", "session": {}}))
//!         .expect()
//!         .close(1000, "done"),
//! );
//!
//! // Any WebSocket client works; here tokio-tungstenite's, over a plain TCP stream.
//! let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
//! let url = format!("ws://{}/v1/realtime?model=gpt-realtime", server.addr());
//! let (mut ws, _) = tokio_tungstenite::client_async(url, stream).await.unwrap();
//!
//! let Some(Ok(Message::Text(event))) = ws.next().await else { panic!("no event") };
//! assert!(event.contains("session.created"));
//! ws.send(Message::text(r#"{"type":"session.update","session":{}}"#)).await.unwrap();
//! let Some(Ok(Message::Close(Some(frame)))) = ws.next().await else { panic!("no close") };
//! assert_eq!(u16::from(frame.code), 1000);
//!
//! assert_eq!(server.requests()[0].query(), Some("model=gpt-realtime"));
//! let sent = server.ws_messages();
//! assert_eq!(sent[0].json().unwrap()["type"], "session.update");
//! # }
//! ```
//!
//! # Hostile servers
//!
//! [`Hostile`] (in the [`hostile`] module) is a catalog of servers that misbehave the way
//! real ones do, each one a [`Mock`] to enqueue, mount with [`MockServer::mock_path`], or
//! make every answer with [`MockServer::set_default`] (so retries meet it too):
//!
//! | case | what the server does |
//! |---|---|
//! | [`cut_mid_data_line`](Hostile::cut_mid_data_line) | resets a stream in the middle of a `data:` line |
//! | [`cut_between_events`](Hostile::cut_between_events) | resets a stream between two events |
//! | [`stall_before_headers`](Hostile::stall_before_headers) | never sends its headers |
//! | [`stall_after_headers`](Hostile::stall_after_headers) | sends `200` event-stream headers, then nothing |
//! | [`keep_alive_only`](Hostile::keep_alive_only) | sends `: ping` comments, forever |
//! | [`open_after_done`](Hostile::open_after_done) | keeps a stream open, silent, after `data: [DONE]` |
//! | [`huge_body`](Hostile::huge_body) | a JSON body of any size, generated as it is sent |
//! | [`huge_event`](Hostile::huge_event) | one stream event of any size |
//! | [`html_error_page`](Hostile::html_error_page) | a proxy's `502 Bad Gateway` HTML page |
//! | [`huge_error_page`](Hostile::huge_error_page) | the same page, of any size |
//! | [`invalid_utf8_json`](Hostile::invalid_utf8_json) | a JSON body with a byte that is not UTF-8 |
//! | [`invalid_utf8_event`](Hostile::invalid_utf8_event) | a stream event with a byte that is not UTF-8 |
//! | [`json_as_text_plain`](Hostile::json_as_text_plain) | valid JSON labelled `text/plain` |
//! | [`json_instead_of_events`](Hostile::json_instead_of_events) | JSON where a stream was asked for |
//! | [`events_instead_of_json`](Hostile::events_instead_of_json) | a stream where JSON was asked for |
//! | [`dripping_json`](Hostile::dripping_json), [`dripping_events`](Hostile::dripping_events) | one byte at a time |
//!
//! [`Hostile::all`] lists them all with default sizes and delays, each with a
//! [`name`](Hostile::name) and a [`description`](Hostile::description), so a test can
//! check that a client ends every one with a value or an error of its own, within its
//! timeouts. The same faults are builder methods of any mock: [`Mock::drip`],
//! [`Mock::keep_open`], [`Mock::cut_after`], [`Mock::stall`].
//!
//! ```
//! use http_body_util::{BodyExt, Full};
//! use hyper_util::client::legacy::Client;
//! use hyper_util::rt::TokioExecutor;
//! use openai_mock::{Hostile, MockServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let server = MockServer::start().await;
//! // Every request, retries included, meets the proxy's error page.
//! server.set_default(Hostile::html_error_page());
//!
//! let client = Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
//! let request = http::Request::get(format!("{}/models", server.url()))
//!     .body(Full::default())
//!     .unwrap();
//! let response = client.request(request).await.unwrap();
//! assert_eq!(response.status(), 502);
//! assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
//! let body = response.into_body().collect().await.unwrap().to_bytes();
//! assert!(String::from_utf8_lossy(&body).contains("502 Bad Gateway"));
//!
//! let names: Vec<&str> = Hostile::all().iter().map(Hostile::name).collect();
//! assert!(names.contains(&"open_after_done"));
//! # }
//! ```
//!
//! # The `openai-mock` binary
//!
//! The same server runs standalone, for test suites in any language:
//!
//! ```text
//! cargo install --path crates/openai-mock   # or: cargo run -p openai-mock --
//! openai-mock --port 8080 [--host 127.0.0.1]
//! # openai-mock listening on http://127.0.0.1:8080/v1
//! ```
//!
//! It prints its URL (with `--port 0` the OS picks the port; the line tells which) and
//! runs until Ctrl-C, without recording requests. Point any OpenAI client at it, e.g.
//! `OpenAI(base_url="http://127.0.0.1:8080/v1", api_key="sk-mock")` in Python;
//! `scripts/python_sdk_smoke.py` calls a sample of operations through the official
//! Python SDK that way.
//!
//! # Feature flags
//!
//! This crate has no optional features.

#![doc(test(attr(deny(warnings))))]

mod body;
pub mod cassette;
mod chat;
mod embeddings;
mod errors;
mod generated;
pub mod hostile;
mod mock;
mod model;
mod request;
mod route;
mod server;
mod sse;
mod table;
pub mod trace;
pub mod websocket;

pub use hostile::Hostile;
pub use mock::Mock;
pub use request::RecordedRequest;
pub use server::{MAX_REQUEST_BODY, MockServer};
pub use websocket::{WsMessage, WsScript};
