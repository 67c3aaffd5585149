//! A complete, fast and failure-safe Rust SDK for the OpenAI REST API.
//!
//! ```
//! use openai::Client;
//! use openai::types::chat::{ChatCompletionCreateParams, ChatMessage};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), openai::Error> {
//! # // This example runs against the bundled mock server, which echoes.
//! # let server = openai_mock::MockServer::start().await;
//! # let base_url = server.url();
//! // With OPENAI_API_KEY set, `Client::from_env()?` is all it takes.
//! let client = Client::builder().api_key("sk-...").base_url(base_url).build()?;
//! let completion = client
//!     .chat()
//!     .completions()
//!     .create(ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Say this is a test")]))
//!     .await?;
//! let reply = completion.choices[0].message.content.as_deref().unwrap_or_default();
//! assert_eq!(reply, "Say this is a test");
//! # Ok(()) }
//! ```
//!
//! Streaming:
//!
//! ```no_run
//! use openai::prelude::*;
//!
//! # async fn run(client: openai::Client) -> Result<(), openai::Error> {
//! let params = ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Count to 3")]);
//! let mut stream = client.chat().completions().create_stream(params).await?;
//! while let Some(chunk) = stream.next().await {
//!     print!("{}", chunk?.choices[0].delta.content.as_deref().unwrap_or_default());
//! }
//! # Ok(()) }
//! # let _ = run;
//! ```
//!
//! With accumulation and typed events, the stream helpers
//! ([`helpers`]): `client.chat().completions().stream(params)` gives a
//! [`ChatCompletionStream`] (`content.delta`, tool-call arguments, ...,
//! then `final_completion()`), and `client.responses().stream(params)` a
//! [`ResponseStream`] (`final_response()`, and `resume_on_disconnect(true)`
//! to survive a cut connection). The Assistants runs stream the same way
//! (`client.beta().threads().runs().stream(..)`, `threads` feature).
//!
//! Structured outputs read answers into your own types:
//! `client.chat().completions().parse::<T>(params)` and
//! `client.responses().parse::<T>(params)` send `T`'s strict JSON schema
//! and return `T` (`T: Deserialize + JsonSchema`, through the re-exported
//! [`schemars`]); `ChatCompletionTool::from_type::<A>(name)` makes a strict
//! function tool of a type.
//!
//! For scripts, [`global`] is the module-level client of the Python SDK:
//! `openai::global::set_api_key(..)`, then `openai::global::client()`.
//!
//! The crates behind the facade can be used alone: `openai-types` (the
//! models, no I/O), `openai-transport` (the tower stack), `openai-core` (the
//! client) and `openai-mock` (a mock server for tests).
//!
//! # Errors and retries
//!
//! Calls return [`Error`]: [`Error::Connection`], [`Error::Timeout`],
//! [`Error::Api`] (with [`ApiError::kind`]) and the others. Retries follow
//! the official SDK's rules (2 by default; 408, 409, 429, 5xx, connection
//! errors and timeouts; `retry-after-ms`, `Retry-After` up to 120 s,
//! `x-should-retry`; 0.5 s to 8 s backoff with jitter), with one deliberate
//! difference: a 429 whose error `code` is `insufficient_quota` is not
//! retried, since waiting cannot fix it.
//!
//! # Feature flags
//!
//! - `rustls` (default): HTTPS through rustls with the operating system's trust store.
//! - `webpki-roots`: also trust Mozilla's root certificates compiled in.
//! - `native-tls`: HTTPS through the platform's TLS library (OpenSSL on Linux,
//!   Secure Transport on macOS, SChannel on Windows) and its trust store. With
//!   `rustls` on too, rustls stays the default and `ClientBuilder::use_native_tls`
//!   selects native-tls.
//! - `http2`: offer HTTP/2 through ALPN next to HTTP/1.1 (the server picks).
//!   Off by default, as in the Python SDK, whose HTTP client speaks HTTP/1.1
//!   unless asked; it adds the `h2` crate to the build.
//! - `brotli`, `zstd`: also ask for and decode Brotli and Zstandard response
//!   bodies. gzip and deflate always are, as the Python SDK's HTTP library
//!   does; the cap on a body's size applies to its decoded bytes.
//! - `structured-outputs` (default, in `common`): `parse::<T>()`, the
//!   streams' `final_parsed::<T>()`, formats and tools from types; adds
//!   `schemars` (re-exported as [`schemars`]).
//! - `blocking`: the blocking client, `blocking::Client` (`.send()`
//!   instead of `.await`; it runs the async client on one internal thread).
//! - `azure`: Azure OpenAI, as [`azure`].
//! - `logging` (default): [`logging::init_from_env`], the `OPENAI_LOG` switch.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

/// Webhook signatures and events (`webhooks` feature).
#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
pub use openai_core::webhooks;
/// WebSocket connections: Realtime and the Responses WebSocket mode
/// (`websocket` feature, part of `realtime`).
#[cfg(feature = "websocket")]
#[cfg_attr(docsrs, doc(cfg(feature = "websocket")))]
pub use openai_core::websocket;
pub use openai_core::{
    ApiError, ApiErrorKind, Binary, Client, ClientBuilder, ConversationCursorPage, CursorPage,
    Error, FileUpload, Lines, NextCursorPage, Page, Paginated, RawResponse, Request,
    RequestOptions, Result, Stream, StreamedResponse, auth, endpoint, error, helpers, multipart,
    pagination, request, resources, sse,
};
/// The chat stream helper (`chat` feature).
#[cfg(feature = "chat")]
#[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
pub use openai_core::{ChatCompletionStream, ChatCompletionStreamEvent, ChatCompletionStreamState};
/// The Responses stream helper (`responses` feature).
#[cfg(feature = "responses")]
#[cfg_attr(docsrs, doc(cfg(feature = "responses")))]
pub use openai_core::{ResponseExt, ResponseStream, ResponseStreamState};
pub use openai_transport as transport;
pub use openai_types as types;
/// The `schemars` crate, for `#[derive(JsonSchema)]` on the types of
/// structured outputs (`structured-outputs` feature): add
/// `#[schemars(crate = "openai::schemars")]` when your crate does not
/// depend on `schemars` itself.
#[cfg(feature = "structured-outputs")]
#[cfg_attr(docsrs, doc(cfg(feature = "structured-outputs")))]
pub use openai_types::schemars;
/// The `#[derive(JsonSchema)]` macro and trait (`structured-outputs`
/// feature).
#[cfg(feature = "structured-outputs")]
#[cfg_attr(docsrs, doc(cfg(feature = "structured-outputs")))]
pub use openai_types::schemars::JsonSchema;

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Azure OpenAI (`azure` feature).
#[cfg(feature = "azure")]
#[cfg_attr(docsrs, doc(cfg(feature = "azure")))]
pub mod azure {
    pub use openai_azure::*;
}

/// The blocking client (`blocking` feature).
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub use openai_core::blocking;
pub mod global;
#[cfg(feature = "logging")]
#[cfg_attr(docsrs, doc(cfg(feature = "logging")))]
pub mod logging;

/// The everyday types and traits: `use openai::prelude::*;`.
pub mod prelude {
    pub use futures_util::{StreamExt as _, TryStreamExt as _};

    #[cfg(feature = "models")]
    pub use crate::types::Model;
    #[cfg(feature = "chat")]
    pub use crate::types::chat::{
        ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatMessage, ContentPart,
        ResponseFormat,
    };
    #[cfg(feature = "embeddings")]
    pub use crate::types::{CreateEmbeddingResponse, EmbeddingCreateParams};
    #[cfg(feature = "files")]
    pub use crate::types::{FileCreateParams, FilePurpose};
    #[cfg(feature = "chat")]
    pub use crate::{ChatCompletionStream, ChatCompletionStreamEvent};
    pub use crate::{Client, Error, FileUpload, RequestOptions};
    #[cfg(feature = "responses")]
    pub use crate::{ResponseExt as _, ResponseStream};
}
