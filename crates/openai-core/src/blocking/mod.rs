//! The blocking client (`blocking` feature): the async client driven on
//! one internal runtime thread, in the shape of reqwest's blocking client.
//!
//! Same builder, resources, names, options and errors as the async client;
//! a call is built the same way and sent with `.send()` instead of
//! `.await`. Streams and `auto_paging()` are iterators; binary answers are
//! read into bytes or written to a path.
//!
//! ```no_run
//! use openai_core::blocking::Client;
//! use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
//!
//! # fn run() -> Result<(), openai_core::Error> {
//! let client = Client::from_env()?;
//! let completion = client
//!     .chat()
//!     .completions()
//!     .create(ChatCompletionCreateParams::new("gpt-4o-mini", [ChatMessage::user("Hi")]))
//!     .max_retries(5)
//!     .send()?;
//! println!("{:?}", completion.choices[0].message.content);
//! # Ok(()) }
//! # let _ = run;
//! ```
//!
//! # Inside an async runtime
//!
//! A call made from a thread that runs a tokio runtime returns
//! [`Error::InvalidRequest`] at once, without sending: blocking there would
//! stall the runtime's thread (reqwest panics instead; an error lets the
//! caller recover and says what to use: the async [`crate::Client`]).
//! Building and dropping a blocking client is allowed anywhere.
//!
//! Dropping the last handle of a client stops its runtime thread and waits
//! for it; its connections close.

mod helpers;
mod methods;
mod runtime;
mod types;

use std::fmt;
use std::sync::Arc;

pub use helpers::{Blocked, Call, StreamCall};
pub use types::{
    AutoPaging, BinaryRequest, BlockingBinary, BlockingPage, BlockingStream,
    BlockingStreamedResponse, PageRequest, RawSend, Request, StreamRequest, StreamingSend,
};

use crate::error::Error;
use runtime::Runtime;

/// The blocking resources, by the Python SDK's paths (as
/// [`crate::resources`]).
pub mod resources {
    #[cfg_attr(
        not(feature = "full"),
        allow(
            unused_imports,
            unreachable_pub,
            reason = "empty when no resource group is on"
        )
    )]
    pub use crate::generated::blocking::*;
}

/// A blocking OpenAI client: cheap to clone (clones share the connection
/// pool and the runtime thread).
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<Runtime>,
}

impl Client {
    /// A builder: the async client's (`.build_blocking()` ends it).
    pub fn builder() -> crate::ClientBuilder {
        crate::ClientBuilder::new()
    }

    /// A client from the environment, as [`crate::Client::from_env`].
    ///
    /// # Errors
    ///
    /// As [`crate::Client::from_env`]; [`Error::Config`] when the runtime
    /// thread cannot start.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(crate::Client::from_env()?)
    }

    /// The blocking form of an async client (its settings, its pool).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the runtime thread cannot start.
    pub fn new(client: crate::Client) -> Result<Self, Error> {
        Ok(Self {
            inner: client,
            runtime: Arc::new(Runtime::start()?),
        })
    }

    /// A copy with `options` layered over the defaults (see
    /// [`crate::Client::with_options`]); it shares the runtime thread.
    pub fn with_options(&self, options: crate::RequestOptions) -> Self {
        Self {
            inner: self.inner.with_options(options),
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// The async client underneath.
    pub fn inner(&self) -> &crate::Client {
        &self.inner
    }

    /// The base URL, with a trailing `/`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// A hand-made request (undocumented endpoints): see
    /// [`crate::Client::get`].
    pub fn get<T>(&self, path: &str) -> Request<T>
    where
        T: serde::de::DeserializeOwned + openai_types::ResponseMeta + Send + 'static,
    {
        Request::new(self, self.inner.get(path))
    }

    /// A hand-made `POST` (see [`crate::Client::post`]).
    pub fn post<T>(&self, path: &str) -> Request<T>
    where
        T: serde::de::DeserializeOwned + openai_types::ResponseMeta + Send + 'static,
    {
        Request::new(self, self.inner.post(path))
    }

    pub(crate) fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl crate::ClientBuilder {
    /// Builds a [blocking client](Client).
    ///
    /// # Errors
    ///
    /// As [`build`](Self::build); [`Error::Config`] when the runtime thread
    /// cannot start.
    #[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
    pub fn build_blocking(self) -> Result<Client, Error> {
        Client::new(self.build()?)
    }
}
