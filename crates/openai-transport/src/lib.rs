//! Tower middleware and the HTTP connector of the openai-rs SDK.
//!
//! This crate knows HTTP and nothing about OpenAI's resources: it turns an
//! [`http::Request`] with a replayable [`Body`] into an [`http::Response`] with a
//! [`ResponseBody`], adding on the way the SDK's default headers and
//! credentials, retries with the official SDK's rules, per-attempt timeouts,
//! request-id capture and `tracing` spans. [`Stack`] assembles the layers in
//! their documented order over a pooled [`connect::HttpClient`] and leaves a slot
//! for the caller's own [`tower::Layer`]s.
//!
//! ```text
//!   request ──▶ Trace            one span per call, request id recorded
//!               Retry            attempts, backoff, x-stainless-retry-count
//!               FollowRedirect   up to 20; credentials dropped across origins
//!               DefaultHeaders   User-Agent, X-Stainless-*, organization, project
//!               Auth             credential per attempt (refreshable)
//!               Timeout          per-attempt deadline; buffers non-streaming bodies
//!               user layers      `Stack::layer(..)`: see every attempt, final headers
//!               Decompress       Accept-Encoding; gzip/deflate (br, zstd) decoded
//!               HttpClient       pool, TLS, proxy, connect timeout
//! ```
//!
//! # Example
//!
//! ```no_run
//! use openai_transport::{Body, Stack};
//!
//! # async fn run() -> Result<(), openai_transport::BoxError> {
//! let service = Stack::new().build()?;
//! let request = http::Request::post("http://127.0.0.1:8080/v1/embeddings")
//!     .body(Body::from(r#"{"model":"m","input":"hi"}"#))?;
//! let response = tower::ServiceExt::oneshot(service, request).await?;
//! println!("{}", response.status());
//! # Ok(()) }
//! # drop(run());
//! ```
//!
//! # Feature flags
//!
//! - `rustls` (default): HTTPS through rustls with the operating system's roots.
//! - `webpki-roots`: also trust Mozilla's root certificates compiled in.
//! - `brotli`, `zstd`: also decode (and ask for) Brotli and Zstandard bodies;
//!   gzip and deflate are always on.
//! - `native-tls`: HTTPS through the platform's TLS library (OpenSSL on Linux,
//!   Secure Transport on macOS, SChannel on Windows) and its trust store. With
//!   `rustls` on too, rustls stays the default and
//!   `HttpClientBuilder::use_native_tls` selects native-tls.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

pub mod auth;
pub mod body;
pub mod connect;
pub mod decompress;
pub mod error;
pub mod headers;
pub mod redirect;
pub mod request_id;
pub mod retry;
mod stack;
pub mod time;
pub mod timeout;
pub mod trace;

pub use body::{Body, ResponseBody};
pub use error::BoxError;
pub use stack::{Stack, StackFuture, StackService};

/// The request type every layer of the stack sees.
pub type HttpRequest = http::Request<Body>;
/// The response type every layer of the stack produces.
pub type HttpResponse = http::Response<ResponseBody>;
/// A type-erased HTTP service: what [`Stack::layer`]'s layers wrap and
/// [`Stack::http_service`] takes. Cloning it is cheap.
pub type BoxHttpService = tower::util::BoxCloneSyncService<HttpRequest, HttpResponse, BoxError>;
/// A type-erased layer over [`BoxHttpService`], as [`Stack::layer`] stores it.
pub type BoxHttpLayer =
    tower::util::BoxCloneSyncServiceLayer<BoxHttpService, HttpRequest, HttpResponse, BoxError>;
