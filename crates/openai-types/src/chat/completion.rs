//! `ChatCompletion`: the response of `POST /chat/completions`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ExtraFields;
use crate::meta::response_meta;

/// A chat completion.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChatCompletion {
    /// Unique id of the completion.
    #[serde(default)]
    pub id: String,
    /// The choices; more than one when `n > 1`.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// Unix time (seconds) of creation.
    #[serde(default)]
    pub created: i64,
    /// The model that answered.
    #[serde(default)]
    pub model: String,
    /// Always `chat.completion`.
    #[serde(default)]
    pub object: String,
    /// The service tier that processed the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
    /// The backend configuration fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_fingerprint: Option<String>,
    /// Token usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<CompletionUsage>,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
    #[serde(skip)]
    request_id: Option<String>,
}

response_meta!(ChatCompletion);

/// One choice of a [`ChatCompletion`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Choice {
    /// Why generation stopped: `stop`, `length`, `tool_calls`, `content_filter`,
    /// or a value newer than this SDK.
    #[serde(default)]
    pub finish_reason: Option<String>,
    /// The choice's index.
    #[serde(default)]
    pub index: u32,
    /// Log probabilities, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Value>,
    /// The generated message.
    #[serde(default)]
    pub message: ChatCompletionMessage,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A message the model generated.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChatCompletionMessage {
    /// The text.
    #[serde(default)]
    pub content: Option<String>,
    /// A refusal message, when the model refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// Always `assistant`.
    #[serde(default)]
    pub role: String,
    /// Tool calls the model made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ChatCompletionMessageToolCall>>,
    /// Fields this type does not name (e.g. `reasoning_content` of compatible servers).
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A tool call in a generated message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChatCompletionMessageToolCall {
    /// The call's id.
    #[serde(default)]
    pub id: String,
    /// `function` (or a newer kind).
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The function called.
    #[serde(default)]
    pub function: FunctionCall,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A function the model called.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FunctionCall {
    /// The function's name.
    #[serde(default)]
    pub name: String,
    /// The arguments, as JSON text the model wrote (validate before use).
    #[serde(default)]
    pub arguments: String,
}

/// Token usage of a completion.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CompletionUsage {
    /// Tokens in the completion.
    #[serde(default)]
    pub completion_tokens: u64,
    /// Tokens in the prompt.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Tokens in all.
    #[serde(default)]
    pub total_tokens: u64,
    /// Fields this type does not name (`*_tokens_details`, ...).
    #[serde(flatten)]
    pub extra: ExtraFields,
}
