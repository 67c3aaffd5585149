//! [`ResponseExt`]: conveniences of the Python SDK's `Response` model that
//! the generated type does not have.

use openai_types::OutputMessageContent;
use openai_types::responses::{OutputItem, Response};

/// Conveniences on [`Response`].
///
/// ```
/// use openai_core::ResponseExt as _;
/// use openai_core::types::responses::Response;
///
/// let response: Response = serde_json::from_value(serde_json::json!({
///     "id": "resp_1", "object": "response", "created_at": 1, "model": "gpt-4o",
///     "output": [{"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
///                 "content": [{"type": "output_text", "text": "Hello", "annotations": []}]}],
/// }))
/// .unwrap();
/// assert_eq!(response.output_text(), "Hello");
/// ```
pub trait ResponseExt {
    /// The text of every `output_text` part of every message output,
    /// concatenated; `""` when there is none (Python's `Response.output_text`).
    fn output_text(&self) -> String;
}

impl ResponseExt for Response {
    fn output_text(&self) -> String {
        let mut text = String::new();
        for item in &self.output {
            if let OutputItem::Message(message) = item {
                for part in &message.content {
                    if let OutputMessageContent::OutputText(part) = part {
                        text.push_str(&part.text);
                    }
                }
            }
        }
        text
    }
}
