//! [`ChatCompletionStreamEvent`]: the events of the chat stream helper
//! (reference/streaming.md b.2).
//!
//! Events carry this chunk's part (a delta) or, once per choice, the whole
//! result (a done event); the text accumulated so far is read from
//! [`ChatCompletionStream::current_completion_snapshot`](super::ChatCompletionStream::current_completion_snapshot),
//! so an event never copies it.

use openai_types::chat::{ChatCompletionChunk, ChatCompletionTokenLogprob};

/// An event of a [`ChatCompletionStream`](super::ChatCompletionStream).
///
/// For every chunk: one [`Chunk`](Self::Chunk) first, then for each of its
/// choices, in this order, the delta events (`content.delta`,
/// `refusal.delta`, `tool_calls.function.arguments.delta`,
/// `logprobs.content.delta`, `logprobs.refusal.delta`) and the done events
/// that chunk triggers (a choice's `finish_reason`, or a tool call starting
/// after another). Each done event fires once per choice (per tool call).
///
/// New kinds of events may be added: match with a wildcard arm.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ChatCompletionStreamEvent {
    /// `chunk`: the raw chunk, unmodified (its `obfuscation` included).
    Chunk(Box<ChunkEvent>),
    /// `content.delta`: text of a choice's content.
    ContentDelta(ContentDeltaEvent),
    /// `content.done`: a choice's whole content.
    ContentDone(ContentDoneEvent),
    /// `refusal.delta`: text of a choice's refusal.
    RefusalDelta(RefusalDeltaEvent),
    /// `refusal.done`: a choice's whole refusal.
    RefusalDone(RefusalDoneEvent),
    /// `tool_calls.function.arguments.delta`: a fragment of a function
    /// tool call's arguments.
    FunctionToolCallArgumentsDelta(FunctionToolCallArgumentsDeltaEvent),
    /// `tool_calls.function.arguments.done`: a function tool call's whole
    /// arguments.
    FunctionToolCallArgumentsDone(FunctionToolCallArgumentsDoneEvent),
    /// `logprobs.content.delta`: this chunk's content token logprobs.
    LogprobsContentDelta(LogprobsContentDeltaEvent),
    /// `logprobs.content.done`: a choice's content token logprobs.
    LogprobsContentDone(LogprobsContentDoneEvent),
    /// `logprobs.refusal.delta`: this chunk's refusal token logprobs.
    LogprobsRefusalDelta(LogprobsRefusalDeltaEvent),
    /// `logprobs.refusal.done`: a choice's refusal token logprobs.
    LogprobsRefusalDone(LogprobsRefusalDoneEvent),
}

impl ChatCompletionStreamEvent {
    /// The event's `type` in the Python SDK: `"chunk"`, `"content.delta"`,
    /// `"tool_calls.function.arguments.done"`, ...
    pub fn event_type(&self) -> &'static str {
        match self {
            Self::Chunk(_) => "chunk",
            Self::ContentDelta(_) => "content.delta",
            Self::ContentDone(_) => "content.done",
            Self::RefusalDelta(_) => "refusal.delta",
            Self::RefusalDone(_) => "refusal.done",
            Self::FunctionToolCallArgumentsDelta(_) => "tool_calls.function.arguments.delta",
            Self::FunctionToolCallArgumentsDone(_) => "tool_calls.function.arguments.done",
            Self::LogprobsContentDelta(_) => "logprobs.content.delta",
            Self::LogprobsContentDone(_) => "logprobs.content.done",
            Self::LogprobsRefusalDelta(_) => "logprobs.refusal.delta",
            Self::LogprobsRefusalDone(_) => "logprobs.refusal.done",
        }
    }

    /// The `index` of the choice the event is about; `None` for a chunk.
    pub fn choice_index(&self) -> Option<i64> {
        Some(match self {
            Self::Chunk(_) => return None,
            Self::ContentDelta(e) => e.choice_index,
            Self::ContentDone(e) => e.choice_index,
            Self::RefusalDelta(e) => e.choice_index,
            Self::RefusalDone(e) => e.choice_index,
            Self::FunctionToolCallArgumentsDelta(e) => e.choice_index,
            Self::FunctionToolCallArgumentsDone(e) => e.choice_index,
            Self::LogprobsContentDelta(e) => e.choice_index,
            Self::LogprobsContentDone(e) => e.choice_index,
            Self::LogprobsRefusalDelta(e) => e.choice_index,
            Self::LogprobsRefusalDone(e) => e.choice_index,
        })
    }
}

/// `chunk`: a raw chunk, as the server sent it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ChunkEvent {
    /// The chunk.
    pub chunk: ChatCompletionChunk,
}

/// `content.delta`: the chunk's content text for one choice (sent even when
/// empty).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ContentDeltaEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// This chunk's text.
    pub delta: String,
}

/// `content.done`: a choice's whole content, once, when the choice finishes
/// or a tool call starts (only if the content is not empty).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ContentDoneEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// The whole content.
    pub content: String,
}

/// `refusal.delta`: the chunk's refusal text for one choice.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RefusalDeltaEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// This chunk's text.
    pub delta: String,
}

/// `refusal.done`: a choice's whole refusal, once.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RefusalDoneEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// The whole refusal.
    pub refusal: String,
}

/// `tool_calls.function.arguments.delta`: a fragment of a function tool
/// call's arguments (JSON text).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FunctionToolCallArgumentsDeltaEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// The tool call's `index` in the choice's `tool_calls`.
    pub index: i64,
    /// The function's name as accumulated so far.
    pub name: String,
    /// This chunk's fragment (`""` when it has none).
    pub arguments_delta: String,
}

/// `tool_calls.function.arguments.done`: a function tool call's whole
/// arguments, once, when the next tool call starts or the choice finishes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FunctionToolCallArgumentsDoneEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// The tool call's `index` in the choice's `tool_calls`.
    pub index: i64,
    /// The function's name.
    pub name: String,
    /// The whole arguments (JSON text).
    pub arguments: String,
}

/// `logprobs.content.delta`: the chunk's content token logprobs for one
/// choice (never empty).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LogprobsContentDeltaEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// This chunk's tokens.
    pub content: Vec<ChatCompletionTokenLogprob>,
}

/// `logprobs.content.done`: a choice's content token logprobs, once.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LogprobsContentDoneEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// All the tokens.
    pub content: Vec<ChatCompletionTokenLogprob>,
}

/// `logprobs.refusal.delta`: the chunk's refusal token logprobs for one
/// choice (never empty).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LogprobsRefusalDeltaEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// This chunk's tokens.
    pub refusal: Vec<ChatCompletionTokenLogprob>,
}

/// `logprobs.refusal.done`: a choice's refusal token logprobs, once.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LogprobsRefusalDoneEvent {
    /// The `index` of the choice.
    pub choice_index: i64,
    /// All the tokens.
    pub refusal: Vec<ChatCompletionTokenLogprob>,
}
