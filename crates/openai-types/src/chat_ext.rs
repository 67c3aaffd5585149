//! The hand-written ergonomic layer over the generated chat types.
//!
//! `ChatMessage` and `ContentPart` are the names `API.md` promises for the
//! Python SDK's `ChatCompletionMessageParam` and
//! `ChatCompletionContentPartParam`; the constructors build the common
//! messages and parts without naming the generated per-role types.

use crate::base64;
use crate::generated::chat::ChatCompletionCreateParamsResponseFormat;
use crate::generated::chat::{
    ChatCompletionAssistantMessageParam, ChatCompletionAssistantMessageParamContent,
    ChatCompletionContentPartImageParam, ChatCompletionContentPartImageParamImageUrl,
    ChatCompletionContentPartParam, ChatCompletionDeveloperMessageParam,
    ChatCompletionDeveloperMessageParamContent, ChatCompletionMessageParam,
    ChatCompletionSystemMessageParam, ChatCompletionSystemMessageParamContent,
    ChatCompletionToolMessageParam, ChatCompletionToolMessageParamContent,
    ChatCompletionUserMessageParam, ChatCompletionUserMessageParamContent,
};
use crate::generated::shared::{
    ChatCompletionContentPartTextParam, ResponseFormatJsonObject, ResponseFormatJsonSchema,
    ResponseFormatText,
};

/// A message of a chat request (Python: `ChatCompletionMessageParam`).
pub type ChatMessage = ChatCompletionMessageParam;

/// A part of a user message's content (Python: `ChatCompletionContentPartParam`).
pub type ContentPart = ChatCompletionContentPartParam;

/// The `response_format` of a chat request by name, as `API.md` promises
/// (`response_format(ResponseFormat::JsonObject)`): plain text, JSON mode,
/// or a JSON schema (structured outputs). It converts into the generated
/// union the setter takes.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseFormat {
    /// `{"type": "text"}`: the default.
    Text,
    /// `{"type": "json_object"}`: JSON mode, the older way to get JSON (the
    /// messages must ask for JSON too).
    JsonObject,
    /// `{"type": "json_schema", "json_schema": ...}`: structured outputs.
    JsonSchema(ResponseFormatJsonSchema),
}

impl From<ResponseFormat> for ChatCompletionCreateParamsResponseFormat {
    fn from(format: ResponseFormat) -> Self {
        match format {
            ResponseFormat::Text => Self::Text(ResponseFormatText::new()),
            ResponseFormat::JsonObject => Self::JsonObject(ResponseFormatJsonObject::new()),
            ResponseFormat::JsonSchema(schema) => Self::JsonSchema(schema),
        }
    }
}

impl ChatCompletionMessageParam {
    /// A developer message: instructions the model follows.
    pub fn developer(content: impl Into<ChatCompletionDeveloperMessageParamContent>) -> Self {
        Self::Developer(ChatCompletionDeveloperMessageParam::new(content))
    }

    /// A system message.
    pub fn system(content: impl Into<ChatCompletionSystemMessageParamContent>) -> Self {
        Self::System(ChatCompletionSystemMessageParam::new(content))
    }

    /// A user message: text, or parts (`[ContentPart::text(..), ContentPart::image_url(..)]`).
    pub fn user(content: impl Into<ChatCompletionUserMessageParamContent>) -> Self {
        Self::User(ChatCompletionUserMessageParam::new(content))
    }

    /// An earlier answer of the model, sent back as context.
    pub fn assistant(content: impl Into<ChatCompletionAssistantMessageParamContent>) -> Self {
        let mut message = ChatCompletionAssistantMessageParam::new();
        message.content = crate::Nullable::Value(content.into());
        Self::Assistant(message)
    }

    /// The result of the tool call `tool_call_id`.
    pub fn tool(
        tool_call_id: impl Into<String>,
        content: impl Into<ChatCompletionToolMessageParamContent>,
    ) -> Self {
        Self::Tool(ChatCompletionToolMessageParam::new(content, tool_call_id))
    }
}

impl ChatCompletionContentPartParam {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(ChatCompletionContentPartTextParam::new(text))
    }

    /// An image part from a URL or a data URL.
    pub fn image_url(url: impl Into<String>) -> Self {
        Self::ImageUrl(ChatCompletionContentPartImageParam::new(
            ChatCompletionContentPartImageParamImageUrl::new(url),
        ))
    }

    /// An image part from raw bytes: builds `data:<media_type>;base64,<data>` for you.
    pub fn image_bytes(media_type: &str, bytes: &[u8]) -> Self {
        Self::image_url(format!(
            "data:{media_type};base64,{}",
            base64::encode(bytes)
        ))
    }
}

impl<const N: usize> From<[ChatCompletionContentPartParam; N]>
    for ChatCompletionUserMessageParamContent
{
    fn from(parts: [ChatCompletionContentPartParam; N]) -> Self {
        Self::ArrayOfContentParts(parts.into())
    }
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
            ChatMessage::developer("d"),
        ])
        .unwrap();
        assert_eq!(
            v,
            json!([
                {"role": "system", "content": "s"},
                {"role": "user", "content": "u"},
                {"role": "assistant", "content": "a"},
                {"role": "tool", "content": "r", "tool_call_id": "call_1"},
                {"role": "developer", "content": "d"},
            ])
        );
    }

    #[test]
    fn response_formats_by_name() {
        use crate::generated::chat::ChatCompletionCreateParams;
        let params = ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("JSON please")])
            .response_format(ResponseFormat::JsonObject);
        let v = serde_json::to_value(&params).unwrap();
        assert_eq!(v["response_format"], json!({"type": "json_object"}));
        let text = ChatCompletionCreateParamsResponseFormat::from(ResponseFormat::Text);
        assert_eq!(serde_json::to_value(text).unwrap(), json!({"type": "text"}));
    }

    #[test]
    fn vision_parts() {
        let v = serde_json::to_value(ChatMessage::user([
            ContentPart::text("what"),
            ContentPart::image_url("https://x/y.png"),
            ContentPart::image_bytes("image/png", b"foo"),
        ]))
        .unwrap();
        assert_eq!(
            v,
            json!({"role": "user", "content": [
                {"type": "text", "text": "what"},
                {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,Zm9v"}},
            ]})
        );
    }
}
