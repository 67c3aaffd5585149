//! `openai.types.Model`.

use serde::{Deserialize, Serialize};

use crate::ExtraFields;
use crate::meta::response_meta;

/// A model the API offers (`GET /models/{model}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Model {
    /// The model identifier, usable in API calls.
    #[serde(default)]
    pub id: String,
    /// Unix time (seconds) of creation.
    #[serde(default)]
    pub created: i64,
    /// Always `model`.
    #[serde(default)]
    pub object: String,
    /// The organization that owns the model.
    #[serde(default)]
    pub owned_by: String,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
    #[serde(skip)]
    request_id: Option<String>,
}

/// The result of deleting a fine-tuned model (`DELETE /models/{model}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelDeleted {
    /// The deleted model's id.
    #[serde(default)]
    pub id: String,
    /// Whether it was deleted.
    #[serde(default)]
    pub deleted: bool,
    /// Always `model`.
    #[serde(default)]
    pub object: String,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
    #[serde(skip)]
    request_id: Option<String>,
}

response_meta!(Model, ModelDeleted);
