//! `openai.types.CreateEmbeddingResponse` and the embeddings request.

use serde::{Deserialize, Serialize};

use crate::ExtraFields;
use crate::meta::response_meta;

/// Parameters of `POST /embeddings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingCreateParams {
    /// Text (or tokens) to embed.
    pub input: EmbeddingInput,
    /// The model, e.g. `text-embedding-3-small`.
    pub model: String,
    /// `float` (default) or `base64`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding_format: Option<String>,
    /// The number of dimensions of the result (`text-embedding-3` and later).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<u32>,
    /// An end-user id, for abuse monitoring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Fields this type does not name, sent as they are.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl EmbeddingCreateParams {
    /// Embeds `input` with `model`.
    pub fn new(model: impl Into<String>, input: impl Into<EmbeddingInput>) -> Self {
        Self {
            input: input.into(),
            model: model.into(),
            encoding_format: None,
            dimensions: None,
            user: None,
            extra: ExtraFields::new(),
        }
    }

    /// Sets `encoding_format` (`float` or `base64`).
    pub fn encoding_format(mut self, format: impl Into<String>) -> Self {
        self.encoding_format = Some(format.into());
        self
    }

    /// Sets `dimensions`.
    pub fn dimensions(mut self, dimensions: u32) -> Self {
        self.dimensions = Some(dimensions);
        self
    }

    /// Sets `user`.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }
}

/// What to embed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EmbeddingInput {
    /// One string.
    String(String),
    /// Several strings.
    StringArray(Vec<String>),
    /// One list of tokens.
    Tokens(Vec<u32>),
    /// Several lists of tokens.
    TokenArrays(Vec<Vec<u32>>),
}

impl From<&str> for EmbeddingInput {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<String> for EmbeddingInput {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<Vec<String>> for EmbeddingInput {
    fn from(v: Vec<String>) -> Self {
        Self::StringArray(v)
    }
}

impl<const N: usize> From<[&str; N]> for EmbeddingInput {
    fn from(v: [&str; N]) -> Self {
        Self::StringArray(v.iter().map(|s| (*s).to_owned()).collect())
    }
}

/// The response of `POST /embeddings`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateEmbeddingResponse {
    /// One embedding per input.
    #[serde(default)]
    pub data: Vec<Embedding>,
    /// The model used.
    #[serde(default)]
    pub model: String,
    /// Always `list`.
    #[serde(default)]
    pub object: String,
    /// Token usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<EmbeddingUsage>,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
    #[serde(skip)]
    request_id: Option<String>,
}

response_meta!(CreateEmbeddingResponse);

/// One embedding vector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Embedding {
    /// The vector: floats, or a base64 string when `encoding_format` was `base64`.
    #[serde(default)]
    pub embedding: EmbeddingVector,
    /// The index of the input this embeds.
    #[serde(default)]
    pub index: u32,
    /// Always `embedding`.
    #[serde(default)]
    pub object: String,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// An embedding as the server encoded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EmbeddingVector {
    /// `encoding_format: float`.
    Float(Vec<f32>),
    /// `encoding_format: base64`: little-endian `f32`s, base64-encoded.
    Base64(String),
}

impl Default for EmbeddingVector {
    fn default() -> Self {
        Self::Float(Vec::new())
    }
}

impl EmbeddingVector {
    /// The floats, when the server sent floats.
    pub fn as_floats(&self) -> Option<&[f32]> {
        match self {
            Self::Float(v) => Some(v),
            Self::Base64(_) => None,
        }
    }
}

/// Token usage of an embeddings request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EmbeddingUsage {
    /// Tokens in the input.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Tokens in all.
    #[serde(default)]
    pub total_tokens: u64,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}
