//! `client.embeddings()`.

use http::Method;

use crate::Client;
use crate::error::{Error, InvalidRequestError};
use crate::request::{Prepared, Request, decode_json};
use openai_types::{CreateEmbeddingResponse, EmbeddingCreateParams};

/// Embeddings: `POST /embeddings`.
#[derive(Debug, Clone, Copy)]
pub struct Embeddings<'a> {
    client: &'a Client,
}

impl<'a> Embeddings<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Embeds the input.
    ///
    /// # Errors
    ///
    /// When awaited: [`Error::InvalidRequest`] for an empty `model`, and any
    /// error of the call.
    pub fn create(&self, params: EmbeddingCreateParams) -> Request<CreateEmbeddingResponse> {
        let prepared = if params.model.as_str().is_empty() {
            Err(Error::InvalidRequest(InvalidRequestError::new(
                "`model` must not be empty",
            )))
        } else {
            Prepared::new(Method::POST, "/embeddings").json(&params)
        };
        Request::new(self.client, prepared, decode_json)
    }
}
