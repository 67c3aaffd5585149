//! `openai.types.chat`: chat completions.

mod chunk;
mod completion;
mod message;
mod params;

pub use chunk::{
    ChatCompletionChunk, ChoiceDelta, ChoiceDeltaToolCall, ChoiceDeltaToolCallFunction, ChunkChoice,
};
pub use completion::{
    ChatCompletion, ChatCompletionMessage, ChatCompletionMessageToolCall, Choice, CompletionUsage,
    FunctionCall,
};
pub use message::{ChatMessage, ContentPart, ImageUrl, MessageContent};
pub use params::{ChatCompletionCreateParams, StreamOptions};

/// The Python SDK's name for a request message.
pub type ChatCompletionMessageParam = ChatMessage;
/// The Python SDK's name for a content part of a request message.
pub type ChatCompletionContentPartParam = ContentPart;
