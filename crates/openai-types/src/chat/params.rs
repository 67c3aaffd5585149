//! `ChatCompletionCreateParams`: the body of `POST /chat/completions`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ChatMessage;
use crate::ExtraFields;

/// Parameters of `POST /chat/completions`.
///
/// `model` and `messages` are required and taken by [`new`](Self::new); the
/// rest are optional setters. `stream` is set by the client's
/// `create` / `create_stream`, not here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatCompletionCreateParams {
    /// The conversation so far.
    pub messages: Vec<ChatMessage>,
    /// The model, e.g. `gpt-4o`.
    pub model: String,
    /// Penalizes repeated tokens, -2.0 to 2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// Return log probabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<bool>,
    /// Upper bound on generated tokens, reasoning included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    /// Upper bound on generated tokens (older models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Number of choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// Penalizes tokens already present, -2.0 to 2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    /// `{"type": "json_object"}`, a JSON schema, or `{"type": "text"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<Value>,
    /// Seed for best-effort determinism.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Stop sequences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Value>,
    /// Whether to stream; set by the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Streaming options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
    /// Sampling temperature, 0 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Which tool to call: `none`, `auto`, `required` or a named tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<Value>,
    /// Tools the model may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Value>>,
    /// How many most likely tokens to return per position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_logprobs: Option<u32>,
    /// Nucleus sampling mass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// An end-user id, for abuse monitoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Fields this type does not name, sent as they are.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Options of a streamed completion.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StreamOptions {
    /// Send a last chunk with the usage of the whole request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_usage: Option<bool>,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            self.$name = Some(value.into());
            self
        }
    )*};
}

impl ChatCompletionCreateParams {
    /// A request to `model` with `messages`.
    pub fn new(model: impl Into<String>, messages: impl IntoIterator<Item = ChatMessage>) -> Self {
        Self {
            messages: messages.into_iter().collect(),
            model: model.into(),
            frequency_penalty: None,
            logprobs: None,
            max_completion_tokens: None,
            max_tokens: None,
            n: None,
            presence_penalty: None,
            response_format: None,
            seed: None,
            stop: None,
            stream: None,
            stream_options: None,
            temperature: None,
            tool_choice: None,
            tools: None,
            top_logprobs: None,
            top_p: None,
            user: None,
            extra: ExtraFields::new(),
        }
    }

    setters! {
        /// Sets `frequency_penalty`.
        frequency_penalty: f64,
        /// Sets `logprobs`.
        logprobs: bool,
        /// Sets `max_completion_tokens`.
        max_completion_tokens: u32,
        /// Sets `max_tokens`.
        max_tokens: u32,
        /// Sets `n`.
        n: u32,
        /// Sets `presence_penalty`.
        presence_penalty: f64,
        /// Sets `response_format`.
        response_format: Value,
        /// Sets `seed`.
        seed: i64,
        /// Sets `stop`.
        stop: Value,
        /// Sets `stream_options`.
        stream_options: StreamOptions,
        /// Sets `temperature`.
        temperature: f64,
        /// Sets `tool_choice`.
        tool_choice: Value,
        /// Sets `top_logprobs`.
        top_logprobs: u32,
        /// Sets `top_p`.
        top_p: f64,
        /// Sets `user`.
        user: String,
    }

    /// Sets `tools`.
    pub fn tools(mut self, tools: impl IntoIterator<Item = Value>) -> Self {
        self.tools = Some(tools.into_iter().collect());
        self
    }
}
