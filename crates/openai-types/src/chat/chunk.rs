//! `ChatCompletionChunk`: one event of a streamed chat completion.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::CompletionUsage;
use crate::ExtraFields;

/// One streamed piece of a chat completion.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChatCompletionChunk {
    /// The completion's id, the same in every chunk.
    #[serde(default)]
    pub id: String,
    /// The choices' deltas; empty in the final usage chunk.
    #[serde(default)]
    pub choices: Vec<ChunkChoice>,
    /// Unix time (seconds) of creation.
    #[serde(default)]
    pub created: i64,
    /// The model that answered.
    #[serde(default)]
    pub model: String,
    /// Always `chat.completion.chunk`.
    #[serde(default)]
    pub object: String,
    /// The service tier that processed the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
    /// The backend configuration fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_fingerprint: Option<String>,
    /// Token usage, in the last chunk when `stream_options.include_usage` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<CompletionUsage>,
    /// Fields this type does not name (`obfuscation`, ...).
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// The delta of one choice.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChunkChoice {
    /// What this chunk adds to the message.
    #[serde(default)]
    pub delta: ChoiceDelta,
    /// Set on the choice's last chunk.
    #[serde(default)]
    pub finish_reason: Option<String>,
    /// The choice's index.
    #[serde(default)]
    pub index: u32,
    /// Log probabilities, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Value>,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Text, refusal and tool-call fragments of one chunk.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChoiceDelta {
    /// A text fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// A refusal fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// The role, in the first chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Tool-call fragments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ChoiceDeltaToolCall>>,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A fragment of a tool call; fragments with the same `index` add up.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChoiceDeltaToolCall {
    /// Which tool call this fragment belongs to.
    #[serde(default)]
    pub index: u32,
    /// The call's id, in its first fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `function`, in the first fragment.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The function fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<ChoiceDeltaToolCallFunction>,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A fragment of a function call.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChoiceDeltaToolCallFunction {
    /// The name, in the first fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A piece of the arguments' JSON text (some servers omit it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
}
