//! `client.chat().completions()`.

use http::Method;

use crate::Client;
use crate::error::{Error, InvalidRequestError};
use crate::request::{Prepared, Request, decode_json, decode_stream};
use crate::sse::Stream;
use openai_types::Nullable;
use openai_types::chat::{ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams};

/// `client.chat()`.
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    client: &'a Client,
}

impl<'a> Chat<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// `client.chat().completions()`.
    pub fn completions(&self) -> Completions<'a> {
        Completions {
            client: self.client,
        }
    }
}

/// Chat completions: `POST /chat/completions`.
#[derive(Debug, Clone, Copy)]
pub struct Completions<'a> {
    client: &'a Client,
}

impl Completions<'_> {
    /// Creates a completion.
    ///
    /// # Errors
    ///
    /// When awaited: [`Error::InvalidRequest`] for an empty `model` (nothing
    /// is sent), and any error of the call.
    pub fn create(&self, mut params: ChatCompletionCreateParams) -> Request<ChatCompletion> {
        params.stream = Nullable::Absent;
        Request::new(self.client, prepare(&params), decode_json)
    }

    /// Creates a completion streamed as [`ChatCompletionChunk`]s.
    ///
    /// Awaiting returns once the response head arrived (errors before the
    /// stream starts surface there); then poll the [`Stream`].
    pub fn create_stream(
        &self,
        mut params: ChatCompletionCreateParams,
    ) -> Request<Stream<ChatCompletionChunk>> {
        params.stream = Nullable::Value(true);
        Request::new(
            self.client,
            prepare(&params).map(Prepared::streaming),
            decode_stream,
        )
    }
}

fn prepare(params: &ChatCompletionCreateParams) -> Result<Prepared, Error> {
    if params.model.as_str().is_empty() {
        return Err(Error::InvalidRequest(InvalidRequestError::new(
            "`model` must not be empty",
        )));
    }
    Prepared::new(Method::POST, "/chat/completions").json(params)
}
