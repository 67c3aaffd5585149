//! Request messages and their content parts.

use serde::{Deserialize, Serialize};

use crate::ExtraFields;

/// A message of a chat request (Python: `ChatCompletionMessageParam`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum ChatMessage {
    /// Instructions from the developer (newer models).
    Developer {
        /// The instructions.
        content: MessageContent,
        /// An optional participant name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// Instructions from the system.
    System {
        /// The instructions.
        content: MessageContent,
        /// An optional participant name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A user's message.
    User {
        /// Text, or parts (text, images, audio, files).
        content: MessageContent,
        /// An optional participant name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// An earlier answer of the model, sent back as context.
    Assistant {
        /// The text, absent when the message only made tool calls.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<MessageContent>,
        /// An optional participant name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Tool calls the model made.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tool_calls: Option<Vec<super::ChatCompletionMessageToolCall>>,
        /// Other fields (a compatible server's `reasoning_content`), sent back as they are.
        #[serde(flatten)]
        extra: ExtraFields,
    },
    /// The result of a tool call.
    Tool {
        /// The result.
        content: MessageContent,
        /// The id of the call this answers.
        tool_call_id: String,
    },
}

impl ChatMessage {
    /// A developer message.
    pub fn developer(content: impl Into<MessageContent>) -> Self {
        Self::Developer {
            content: content.into(),
            name: None,
        }
    }

    /// A system message.
    pub fn system(content: impl Into<MessageContent>) -> Self {
        Self::System {
            content: content.into(),
            name: None,
        }
    }

    /// A user message: text, or an array of [`ContentPart`]s.
    pub fn user(content: impl Into<MessageContent>) -> Self {
        Self::User {
            content: content.into(),
            name: None,
        }
    }

    /// An assistant message with text.
    pub fn assistant(content: impl Into<MessageContent>) -> Self {
        Self::Assistant {
            content: Some(content.into()),
            name: None,
            tool_calls: None,
            extra: ExtraFields::new(),
        }
    }

    /// A tool result answering the call `tool_call_id`.
    pub fn tool(tool_call_id: impl Into<String>, content: impl Into<MessageContent>) -> Self {
        Self::Tool {
            content: content.into(),
            tool_call_id: tool_call_id.into(),
        }
    }
}

/// A message's content: a string or a list of parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MessageContent {
    /// Plain text.
    Text(String),
    /// Parts: text, images, audio, files.
    Parts(Vec<ContentPart>),
}

impl From<&str> for MessageContent {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for MessageContent {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&String> for MessageContent {
    fn from(s: &String) -> Self {
        Self::Text(s.clone())
    }
}

impl From<Vec<ContentPart>> for MessageContent {
    fn from(parts: Vec<ContentPart>) -> Self {
        Self::Parts(parts)
    }
}

impl<const N: usize> From<[ContentPart; N]> for MessageContent {
    fn from(parts: [ContentPart; N]) -> Self {
        Self::Parts(parts.into())
    }
}

/// A part of a message's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image, by URL or data URL.
    ImageUrl {
        /// The image.
        image_url: ImageUrl,
    },
    /// Audio input.
    InputAudio {
        /// `{"data": <base64>, "format": "wav" | "mp3"}`.
        input_audio: serde_json::Value,
    },
    /// A file, by id or inline data.
    File {
        /// `{"file_id": ..}` or `{"file_data": .., "filename": ..}`.
        file: serde_json::Value,
    },
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }

    /// An image part from a URL (or a data URL).
    pub fn image_url(url: impl Into<String>) -> Self {
        Self::ImageUrl {
            image_url: ImageUrl {
                url: url.into(),
                detail: None,
            },
        }
    }

    /// An image part from raw bytes: builds `data:<media_type>;base64,<data>`.
    pub fn image_bytes(media_type: &str, bytes: &[u8]) -> Self {
        Self::image_url(format!(
            "data:{media_type};base64,{}",
            crate::base64::encode(bytes)
        ))
    }
}

impl From<&str> for ContentPart {
    fn from(s: &str) -> Self {
        Self::text(s)
    }
}

/// An image reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageUrl {
    /// A URL or a base64 data URL.
    pub url: String,
    /// `auto`, `low` or `high`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_serialize_with_their_role() {
        let v = serde_json::to_value([
            ChatMessage::system("s"),
            ChatMessage::user("u"),
            ChatMessage::assistant("a"),
            ChatMessage::tool("call_1", "r"),
        ])
        .unwrap();
        assert_eq!(
            v,
            json!([
                {"role": "system", "content": "s"},
                {"role": "user", "content": "u"},
                {"role": "assistant", "content": "a"},
                {"role": "tool", "content": "r", "tool_call_id": "call_1"},
            ])
        );
    }

    #[test]
    fn image_bytes_builds_a_data_url() {
        let part = ContentPart::image_bytes("image/png", b"foo");
        assert_eq!(
            serde_json::to_value(part).unwrap(),
            json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,Zm9v"}})
        );
    }

    #[test]
    fn assistant_reasoning_content_is_kept_and_resent() {
        let raw = json!({"role": "assistant", "content": "hi", "reasoning_content": "because"});
        let msg: ChatMessage = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(serde_json::to_value(&msg).unwrap(), raw);
    }
}
