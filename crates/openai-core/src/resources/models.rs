//! `client.models()`.

use http::Method;

use crate::Client;
use crate::pagination::Page;
use crate::request::{Prepared, Request, decode_json};
use crate::url::path_segment;
use openai_types::{Model, ModelDeleted};

/// Models: `GET /models`, `GET /models/{model}`, `DELETE /models/{model}`.
#[derive(Debug, Clone, Copy)]
pub struct Models<'a> {
    client: &'a Client,
}

impl<'a> Models<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Lists the models.
    pub fn list(&self) -> Request<Page<Model>> {
        Request::new(
            self.client,
            Ok(Prepared::new(Method::GET, "/models")),
            decode_json,
        )
    }

    /// Retrieves a model.
    ///
    /// # Errors
    ///
    /// When awaited: [`Error::InvalidRequest`](crate::Error::InvalidRequest)
    /// for an empty id or a dot-segment (`.`, `..`), before anything is sent.
    pub fn retrieve(&self, model: &str) -> Request<Model> {
        let prepared = path_segment("model", model)
            .map(|m| Prepared::new(Method::GET, format!("/models/{m}")));
        Request::new(self.client, prepared, decode_json)
    }

    /// Deletes a fine-tuned model.
    ///
    /// # Errors
    ///
    /// As [`retrieve`](Self::retrieve).
    pub fn delete(&self, model: &str) -> Request<ModelDeleted> {
        let prepared = path_segment("model", model)
            .map(|m| Prepared::new(Method::DELETE, format!("/models/{m}")));
        Request::new(self.client, prepared, decode_json)
    }
}
