//! The openai-rs client: resources, request options, pagination, SSE
//! streaming and error mapping.
//!
//! Most users depend on the `openai` facade crate, which re-exports this one.
//! [`Client`] is the entry point; its resources mirror the Python SDK's paths
//! (`client.chat().completions().create(..)`); every call returns a
//! [`Request`] that is awaited, after optional per-call options.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use openai_core::Client;
//! use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
//!
//! # async fn run() -> Result<(), openai_core::Error> {
//! let client = Client::builder().api_key("sk-...").max_retries(3).build()?;
//! let completion = client
//!     .chat()
//!     .completions()
//!     .create(ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Hello")]))
//!     .timeout(Duration::from_secs(20))
//!     .await?;
//! println!("{:?} {:?}", completion.choices[0].message.content, completion.request_id());
//! # Ok(()) }
//! # drop(run());
//! ```
//!
//! # Stream helpers
//!
//! Beside the raw `create_stream` calls, [`helpers`] adds the Python SDK's
//! stream helpers: `client.chat().completions().stream(params)` gives a
//! [`ChatCompletionStream`] of typed events (`content.delta`,
//! `tool_calls.function.arguments.done`, ...) that accumulates the
//! completion ([`ChatCompletionStream::final_completion`]), and
//! `client.responses().stream(params)` / `.stream_existing(id, after)` a
//! [`ResponseStream`] that accumulates the response
//! ([`ResponseStream::final_response`]) and, on request, resumes after a cut
//! connection.
//!
//! # Feature flags
//!
//! - `rustls` (default): HTTPS through rustls with the operating system's roots.
//! - `webpki-roots`: also trust Mozilla's roots compiled in.
//! - `native-tls`: HTTPS through the platform's TLS library (OpenSSL on Linux,
//!   Secure Transport on macOS, SChannel on Windows) and its trust store. With
//!   `rustls` on too, rustls stays the default and `ClientBuilder::use_native_tls`
//!   selects native-tls.
//! - `http2`: offer HTTP/2 through ALPN next to HTTP/1.1 (the server picks).
//!   Off by default, as in the Python SDK, whose HTTP client speaks HTTP/1.1
//!   unless asked; it adds the `h2` crate to the build.
//! - `brotli`, `zstd`: also ask for and decode Brotli and Zstandard response
//!   bodies (gzip and deflate always are).
//! - `webhooks`: `Client::webhooks` and the `webhooks` module, which verify
//!   a webhook's signature and parse its event.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
#[path = "fuzz.rs"]
pub mod __fuzz;
pub mod auth;
mod binary;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
mod brackets;
pub mod client;
pub mod endpoint;
pub mod error;
mod generated;
pub mod helpers;
mod json;
mod lines;
pub mod multipart;
pub mod pagination;
pub mod polling;
pub mod request;
pub mod route;
pub mod sse;
mod telemetry;
pub mod url;
#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
pub mod webhooks;
#[cfg(feature = "websocket")]
#[cfg_attr(docsrs, doc(cfg(feature = "websocket")))]
pub mod websocket;

pub use binary::Binary;
pub use client::{Client, ClientBuilder, RequestOptions};
pub use error::{ApiError, ApiErrorKind, Error, Result};
#[cfg(feature = "threads")]
#[cfg_attr(docsrs, doc(cfg(feature = "threads")))]
pub use helpers::{AssistantEventHandler, AssistantStream};
#[cfg(feature = "chat")]
#[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
pub use helpers::{ChatCompletionStream, ChatCompletionStreamEvent, ChatCompletionStreamState};
#[cfg(feature = "responses")]
#[cfg_attr(docsrs, doc(cfg(feature = "responses")))]
pub use helpers::{ResponseExt, ResponseStream, ResponseStreamState};
pub use lines::Lines;
pub use openai_types as types;
pub use openai_types::FileUpload;
pub use pagination::{ConversationCursorPage, CursorPage, NextCursorPage, Page, Paginated};
pub use request::{RawResponse, Request, StreamedResponse};
pub use sse::Stream;

pub mod resources {
    //! The API's resources, by the Python SDK's paths:
    //! `client.chat().completions()` is `chat::completions::Completions`,
    //! `client.beta().threads().runs()` is `beta::threads::runs::Runs`. Generated
    //! from the OpenAPI spec (`src/generated/`, written by `cargo xtask codegen`);
    //! each resource group is a cargo feature.
    #[cfg_attr(
        not(feature = "full"),
        allow(
            unused_imports,
            unreachable_pub,
            reason = "empty when no resource group is on"
        )
    )]
    pub use crate::generated::*;
}

impl Client {
    /// `client.webhooks()`: verify a webhook request and parse its event,
    /// with the client's [webhook secret](ClientBuilder::webhook_secret).
    #[cfg(feature = "webhooks")]
    #[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
    pub fn webhooks(&self) -> webhooks::Webhooks<'_> {
        webhooks::Webhooks::new(self)
    }
}
