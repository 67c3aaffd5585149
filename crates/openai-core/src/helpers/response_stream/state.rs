//! [`ResponseStreamState`]: the event accumulator of the Responses stream
//! helper, sans I/O (reference/streaming.md c.3).

use openai_types::OutputMessageContent;
use openai_types::responses::{OutputContent, OutputItem, Response, ResponseStreamEvent};

use crate::error::{Error, StreamError, StreamErrorKind};

/// The accumulation of a Responses stream: feed it the events of a
/// `create_stream` call and it keeps the response so far (the state of
/// Python's `ResponseStream`).
///
/// The first event must be `response.created`, whose response becomes the
/// snapshot; `response.output_item.added` appends an output item,
/// `response.content_part.added` a part of a message,
/// `response.output_text.delta` extends a part's text and
/// `response.function_call_arguments.delta` a function call's arguments;
/// `response.completed` gives the final response. Other events change
/// nothing.
#[derive(Debug, Clone, Default)]
pub struct ResponseStreamState {
    snapshot: Option<Response>,
    completed: Option<Response>,
}

impl ResponseStreamState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// The response accumulated so far; `None` before `response.created`.
    pub fn current_snapshot(&self) -> Option<&Response> {
        self.snapshot.as_ref()
    }

    /// The response of `response.completed`, once it arrived.
    pub fn completed(&self) -> Option<&Response> {
        self.completed.as_ref()
    }

    /// Accumulates one event.
    ///
    /// # Errors
    ///
    /// [`Error::Stream`] ([`OutOfOrder`](StreamErrorKind::OutOfOrder)) when
    /// the first event is not `response.created`.
    pub fn handle_event(&mut self, event: &ResponseStreamEvent) -> Result<(), Error> {
        self.apply(step!(ResponseStreamEvent, event))
    }

    /// Accumulates one event of a Responses WebSocket-mode connection
    /// ([`ResponsesConnection`](crate::websocket::ResponsesConnection)): the
    /// same rules as [`handle_event`](Self::handle_event), for the same
    /// events as the WebSocket sends them.
    ///
    /// # Errors
    ///
    /// As [`handle_event`](Self::handle_event).
    #[cfg(feature = "websocket")]
    #[cfg_attr(docsrs, doc(cfg(feature = "websocket")))]
    pub fn handle_websocket_event(
        &mut self,
        event: &openai_types::responses::ResponsesServerEvent,
    ) -> Result<(), Error> {
        use openai_types::responses::ResponsesServerEvent;
        self.apply(step!(ResponsesServerEvent, event))
    }

    fn apply(&mut self, step: Step<'_>) -> Result<(), Error> {
        let Some(snapshot) = &mut self.snapshot else {
            return match step {
                Step::Created(response) => {
                    self.snapshot = Some(response.clone());
                    Ok(())
                }
                _ => Err(Error::Stream(StreamError::new(StreamErrorKind::OutOfOrder))),
            };
        };
        match step {
            Step::ItemAdded(item) => snapshot.output.push(item.clone()),
            Step::PartAdded(output_index, part) => {
                if let Some(OutputItem::Message(message)) = output_at(snapshot, output_index) {
                    message.content.push(message_part(part));
                }
            }
            Step::TextDelta(output_index, content_index, delta) => {
                if let Some(OutputItem::Message(message)) = output_at(snapshot, output_index) {
                    let part = usize::try_from(content_index)
                        .ok()
                        .and_then(|i| message.content.get_mut(i));
                    if let Some(OutputMessageContent::OutputText(part)) = part {
                        part.text.push_str(delta);
                    }
                }
            }
            Step::ArgumentsDelta(output_index, delta) => {
                if let Some(OutputItem::FunctionCall(call)) = output_at(snapshot, output_index) {
                    call.arguments.push_str(delta);
                }
            }
            Step::Completed(response) => self.completed = Some(response.clone()),
            Step::Created(_) | Step::Other => {}
        }
        Ok(())
    }

    /// The text of the `output_text` part at `content_index` of the message
    /// at `output_index`, as accumulated so far (the `snapshot` of Python's
    /// enriched `response.output_text.delta`).
    pub fn output_text(&self, output_index: i64, content_index: i64) -> Option<&str> {
        let item = self
            .snapshot
            .as_ref()?
            .output
            .get(usize::try_from(output_index).ok()?)?;
        let OutputItem::Message(message) = item else {
            return None;
        };
        match message.content.get(usize::try_from(content_index).ok()?)? {
            OutputMessageContent::OutputText(part) => Some(&part.text),
            _ => None,
        }
    }

    /// The arguments of the function call at `output_index`, as accumulated
    /// so far (the `snapshot` of Python's enriched
    /// `response.function_call_arguments.delta`).
    pub fn function_call_arguments(&self, output_index: i64) -> Option<&str> {
        let item = self
            .snapshot
            .as_ref()?
            .output
            .get(usize::try_from(output_index).ok()?)?;
        match item {
            OutputItem::FunctionCall(call) => Some(&call.arguments),
            _ => None,
        }
    }
}

/// The [`Step`] of an event of `$union` (the SSE stream's and the WebSocket
/// mode's unions name the same variants, with the same fields).
macro_rules! step {
    ($union:ident, $event:expr) => {
        match $event {
            $union::ResponseCreated(e) => Step::Created(&e.response),
            $union::ResponseOutputItemAdded(e) => Step::ItemAdded(&e.item),
            $union::ResponseContentPartAdded(e) => Step::PartAdded(e.output_index, &e.part),
            $union::ResponseOutputTextDelta(e) => {
                Step::TextDelta(e.output_index, e.content_index, &e.delta)
            }
            $union::ResponseFunctionCallArgumentsDelta(e) => {
                Step::ArgumentsDelta(e.output_index, &e.delta)
            }
            $union::ResponseCompleted(e) => Step::Completed(&e.response),
            _ => Step::Other,
        }
    };
}
use step;

/// What an event does to the accumulation, whichever union it came in.
enum Step<'a> {
    Created(&'a Response),
    ItemAdded(&'a OutputItem),
    /// `output_index`, the part.
    PartAdded(i64, &'a OutputContent),
    /// `output_index`, `content_index`, the text.
    TextDelta(i64, i64, &'a str),
    /// `output_index`, the arguments' text.
    ArgumentsDelta(i64, &'a str),
    Completed(&'a Response),
    Other,
}

fn output_at(snapshot: &mut Response, index: i64) -> Option<&mut OutputItem> {
    snapshot.output.get_mut(usize::try_from(index).ok()?)
}

/// A content part as a message part (a part messages cannot hold, such as
/// reasoning text, is kept as JSON).
fn message_part(part: &OutputContent) -> OutputMessageContent {
    match part {
        OutputContent::OutputText(text) => OutputMessageContent::OutputText(text.clone()),
        OutputContent::Refusal(refusal) => OutputMessageContent::Refusal(refusal.clone()),
        other => OutputMessageContent::Unknown(
            serde_json::to_value(other).unwrap_or(serde_json::Value::Null),
        ),
    }
}

/// The `sequence_number` of an event.
pub(crate) fn sequence_number(event: &ResponseStreamEvent) -> Option<i64> {
    macro_rules! numbered {
        ($($variant:ident),* $(,)?) => {
            match event {
                $(ResponseStreamEvent::$variant(e) => Some(e.sequence_number),)*
                ResponseStreamEvent::Unknown(value) => {
                    value.get("sequence_number").and_then(serde_json::Value::as_i64)
                }
                #[allow(unreachable_patterns, reason = "the union may grow")]
                _ => None,
            }
        };
    }
    numbered!(
        ResponseAudioDelta,
        ResponseAudioDone,
        ResponseAudioTranscriptDelta,
        ResponseAudioTranscriptDone,
        ResponseCodeInterpreterCallCodeDelta,
        ResponseCodeInterpreterCallCodeDone,
        ResponseCodeInterpreterCallCompleted,
        ResponseCodeInterpreterCallInProgress,
        ResponseCodeInterpreterCallInterpreting,
        ResponseCompleted,
        ResponseContentPartAdded,
        ResponseContentPartDone,
        ResponseCreated,
        Error,
        ResponseFileSearchCallCompleted,
        ResponseFileSearchCallInProgress,
        ResponseFileSearchCallSearching,
        ResponseFunctionCallArgumentsDelta,
        ResponseFunctionCallArgumentsDone,
        ResponseShellCallCommandAdded,
        ResponseShellCallCommandDelta,
        ResponseShellCallCommandDone,
        ResponseShellCallOutputContentDelta,
        ResponseShellCallOutputContentDone,
        ResponseInProgress,
        ResponseFailed,
        ResponseIncomplete,
        ResponseOutputItemAdded,
        ResponseOutputItemDone,
        ResponseReasoningSummaryPartAdded,
        ResponseReasoningSummaryPartDone,
        ResponseReasoningSummaryTextDelta,
        ResponseReasoningSummaryTextDone,
        ResponseReasoningTextDelta,
        ResponseReasoningTextDone,
        ResponseRefusalDelta,
        ResponseRefusalDone,
        ResponseOutputTextDelta,
        ResponseOutputTextDone,
        ResponseWebSearchCallCompleted,
        ResponseWebSearchCallInProgress,
        ResponseWebSearchCallSearching,
        ResponseImageGenerationCallCompleted,
        ResponseImageGenerationCallGenerating,
        ResponseImageGenerationCallInProgress,
        ResponseImageGenerationCallPartialImage,
        ResponseMcpCallArgumentsDelta,
        ResponseMcpCallArgumentsDone,
        ResponseMcpCallCompleted,
        ResponseMcpCallFailed,
        ResponseMcpCallInProgress,
        ResponseMcpListToolsCompleted,
        ResponseMcpListToolsFailed,
        ResponseMcpListToolsInProgress,
        ResponseOutputTextAnnotationAdded,
        ResponseQueued,
        ResponseCustomToolCallInputDelta,
        ResponseCustomToolCallInputDone,
    )
}

/// Whether an event ends a response: nothing follows it worth resuming for.
pub(crate) fn is_terminal(event: &ResponseStreamEvent) -> bool {
    matches!(
        event,
        ResponseStreamEvent::ResponseCompleted(_)
            | ResponseStreamEvent::ResponseFailed(_)
            | ResponseStreamEvent::ResponseIncomplete(_)
            | ResponseStreamEvent::Error(_)
    )
}
