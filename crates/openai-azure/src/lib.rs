//! Azure OpenAI for the openai-rs SDK (reference/azure.md), reached as
//! `openai::azure` with the facade's `azure` feature, or as this crate.
//!
//! [`AzureClient::builder`] builds an ordinary [`openai_core::Client`] that
//! speaks Azure: every resource, stream, helper and pagination works on it
//! unchanged, and [`with_options`](openai_core::Client::with_options) keeps
//! the Azure behaviour.
//!
//! - **URLs** (azure.md 4): the base URL is `<endpoint>/openai/`;
//!   deployment-scoped endpoints (`/chat/completions`, `/completions`,
//!   `/embeddings`, `/audio/{transcriptions,translations,speech}`,
//!   `/images/{generations,edits}`) go to `/deployments/<model>/...`, the
//!   model taken from the JSON or multipart body (percent-encoded as one
//!   segment; `.` and `..` refused); an `azure_deployment` wins, and then the
//!   other endpoints stay on `<endpoint>/openai/`. `api-version` is on every
//!   request, before the call's own query; a per-call `query("api-version", ..)`
//!   replaces it. Beyond Python: a model -> deployment map
//!   ([`AzureClientBuilder::deployment`]) and Azure's v1 API
//!   ([`AzureClientBuilder::v1_api`]).
//! - **Credentials** (azure.md 5, 6): exactly one of an API key (`api-key`
//!   header, no `Authorization`), a static Entra ID token or a token
//!   provider (`Authorization: Bearer`), from the builder or else from
//!   `AZURE_OPENAI_AD_TOKEN` then `AZURE_OPENAI_API_KEY`. Providers are
//!   called before every attempt (a retry gets a fresh token), optionally
//!   cached until shortly before the token expires; a provider's error
//!   fails the call without a retry. No credential follows a redirect to
//!   another origin. Secrets never show in `Debug`, `Display`, logs or
//!   errors.
//!
//! ```no_run
//! use openai_azure::AzureClient;
//! use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = AzureClient::builder()
//!     .api_version("2024-10-21")
//!     .azure_endpoint("https://example-resource.openai.azure.com")
//!     .api_key("<key>")
//!     .build()?;
//! // POST https://example-resource.openai.azure.com/openai/deployments/my-gpt-4o/chat/completions?api-version=2024-10-21
//! let completion = client
//!     .chat()
//!     .completions()
//!     .create(ChatCompletionCreateParams::new("my-gpt-4o", [ChatMessage::user("Hi")]))
//!     .await?;
//! # let _ = completion;
//! # Ok(()) }
//! ```

mod builder;
mod error;
mod route;
mod token;

pub use builder::{AzureClient, AzureClientBuilder};
pub use error::AzureError;
pub use openai_core::auth::{IntoToken, Token as AzureToken, TokenFuture, TokenProvider};
#[doc(no_inline)]
pub use openai_transport::auth::{Credential, CredentialProvider};
