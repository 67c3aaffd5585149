//! Hand-written helpers over the generated resources: the stream helpers of
//! `reference/streaming.md` (b), (c) and (d).
//!
//! - `client.chat().completions().stream(params)` returns a
//!   [`ChatCompletionStream`]: typed events per chunk (`content.delta`,
//!   `tool_calls.function.arguments.done`, ...), the completion accumulated
//!   as it streams, and [`ChatCompletionStream::final_completion`].
//! - `client.responses().stream(params)` and
//!   `client.responses().stream_existing(id, starting_after)` return a
//!   [`ResponseStream`]: the raw events, the response accumulated as it
//!   streams, [`ResponseStream::final_response`], and on request a stream
//!   that re-opens itself after a cut connection.
//!
//! - `client.beta().threads().runs().stream(thread_id, params)`,
//!   `runs().submit_tool_outputs_stream(..)` and
//!   `threads().create_and_run_stream(params)` return an
//!   [`AssistantStream`]: the raw Assistants events, the run, run steps and
//!   messages accumulated as they stream, and an optional
//!   [`AssistantEventHandler`] with Python's callbacks.
//!
//! - `client.chat().completions().parse::<T>(params)` and
//!   `client.responses().parse::<T>(params)` (feature `structured-outputs`)
//!   send `T`'s strict JSON schema and read the answer into a `T`:
//!   [`ParsedChatCompletion`], [`ParsedResponse`].
//!
//! - `client.uploads().upload_file_chunked(file, mime_type, purpose)`
//!   returns a [`ChunkedUpload`]: the Uploads API's create, parts and
//!   complete, parts streamed from disk a few at a time.
//!
//! All are awaited like any call, after optional per-call options, and
//! keep their memory flat in the number of events: only the accumulated
//! text grows.

#[cfg(feature = "threads")]
mod assistant_stream;
#[cfg(feature = "chat")]
mod chat_stream;
#[cfg(feature = "uploads")]
mod chunked_upload;
#[cfg(any(feature = "chat", feature = "threads"))]
mod delta;
mod finish_reason;
#[cfg(all(
    feature = "structured-outputs",
    any(feature = "chat", feature = "responses")
))]
mod parse;
#[cfg(feature = "responses")]
mod response_ext;
#[cfg(feature = "responses")]
mod response_stream;

#[cfg(feature = "threads")]
#[cfg_attr(docsrs, doc(cfg(feature = "threads")))]
pub use assistant_stream::{
    AssistantEventHandler, AssistantStream, AssistantStreamFuture, AssistantStreamRequest,
    AssistantStreamState, NoEventHandler, TextDeltas,
};
#[cfg(feature = "chat")]
#[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
pub use chat_stream::{
    ChatCompletionStream, ChatCompletionStreamEvent, ChatCompletionStreamFuture,
    ChatCompletionStreamRequest, ChatCompletionStreamState, ChunkEvent, ContentDeltaEvent,
    ContentDoneEvent, FunctionToolCallArgumentsDeltaEvent, FunctionToolCallArgumentsDoneEvent,
    LogprobsContentDeltaEvent, LogprobsContentDoneEvent, LogprobsRefusalDeltaEvent,
    LogprobsRefusalDoneEvent, RefusalDeltaEvent, RefusalDoneEvent,
};
#[cfg(feature = "uploads")]
#[cfg_attr(docsrs, doc(cfg(feature = "uploads")))]
pub use chunked_upload::{ChunkedUpload, DEFAULT_PART_CONCURRENCY, DEFAULT_PART_SIZE};
pub use finish_reason::{FinishReasonError, FinishReasonKind};
#[cfg(all(
    feature = "structured-outputs",
    any(feature = "chat", feature = "responses")
))]
#[cfg_attr(docsrs, doc(cfg(feature = "structured-outputs")))]
pub use parse::{ParseAnswer, ParseFuture, ParseRequest};
#[cfg(all(feature = "structured-outputs", feature = "chat"))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "structured-outputs", feature = "chat")))
)]
pub use parse::{
    ParsedChatCompletion, ParsedChatCompletionMessage, ParsedChoice, ParsedFunction,
    ParsedFunctionToolCall,
};
#[cfg(all(feature = "structured-outputs", feature = "responses"))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "structured-outputs", feature = "responses")))
)]
pub use parse::{ParsedResponse, ParsedResponseFunctionCall};
#[cfg(feature = "responses")]
#[cfg_attr(docsrs, doc(cfg(feature = "responses")))]
pub use response_ext::ResponseExt;
#[cfg(feature = "responses")]
#[cfg_attr(docsrs, doc(cfg(feature = "responses")))]
pub use response_stream::{
    ResponseStream, ResponseStreamFuture, ResponseStreamRequest, ResponseStreamState,
};
