//! [`ChatCompletionStreamState`]: the chunk accumulator of the chat stream
//! helper, sans I/O (reference/streaming.md b.2 and b.3).

use std::collections::VecDeque;

use openai_types::chat::{
    ChatCompletion, ChatCompletionChoice, ChatCompletionChoiceFinishReason, ChatCompletionChunk,
    ChatCompletionChunkChoice, ChatCompletionChunkDelta, ChatCompletionMessage,
    ChatCompletionMessageToolCallChunk,
};
use openai_types::{ChatCompletionMessageToolCall, ChatCompletionMessageToolCallsItem, Nullable};

use super::events::{
    ChatCompletionStreamEvent as Event, ChunkEvent, ContentDeltaEvent, ContentDoneEvent,
    FunctionToolCallArgumentsDeltaEvent, FunctionToolCallArgumentsDoneEvent,
    LogprobsContentDeltaEvent, LogprobsContentDoneEvent, LogprobsRefusalDeltaEvent,
    LogprobsRefusalDoneEvent, RefusalDeltaEvent, RefusalDoneEvent,
};
use super::merge::{first_snapshot, merge_choice, new_choice};
use crate::error::{Error, FinishReasonError, FinishReasonKind, StreamError, StreamErrorKind};

/// The accumulation of a chat stream: feed it the chunks of a
/// `create_stream` call and it gives the helper's events and the
/// completion so far (Python's `ChatCompletionStreamState`).
///
/// [`ChatCompletionStream`](super::ChatCompletionStream) runs one for you;
/// use this type directly over a [`Stream`](crate::Stream) of
/// [`ChatCompletionChunk`]s you already have.
///
/// Accumulation follows the Python SDK (reference/streaming.md b.3): choices
/// and tool calls are found by their `index`; content, refusal and
/// arguments are concatenated; logprobs are appended; `usage` and
/// `system_fingerprint` are the last chunk's. Fields this SDK does not name
/// are merged by the same generic rules. Two deliberate differences: a
/// `role`, tool-call `id` or function `name` repeated with the same value
/// is kept once (Python concatenates it), and a tool call without `type`
/// is taken as a function call.
///
/// ```
/// use openai_core::ChatCompletionStreamState;
/// use openai_core::types::chat::ChatCompletionChunk;
///
/// let chunk: ChatCompletionChunk = serde_json::from_value(serde_json::json!({
///     "id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
///     "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi"}}],
/// }))
/// .unwrap();
/// let mut state = ChatCompletionStreamState::new();
/// let events = state.handle_chunk(chunk)?;
/// assert_eq!(events[1].event_type(), "content.delta");
/// let snapshot = state.current_completion_snapshot().unwrap();
/// assert_eq!(snapshot.choices[0].message.content.as_deref(), Some("Hi"));
/// # Ok::<(), openai_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ChatCompletionStreamState {
    snapshot: Option<ChatCompletion>,
    choices: Vec<ChoiceState>,
    parseable: bool,
    request_id: Option<String>,
}

/// What has been reported of one choice (Python's `ChoiceEventState`).
#[derive(Debug, Clone, Default)]
struct ChoiceState {
    content_done: bool,
    refusal_done: bool,
    logprobs_content_done: bool,
    logprobs_refusal_done: bool,
    done_tool_calls: Vec<i64>,
    current_tool_call: Option<i64>,
}

impl ChatCompletionStreamState {
    /// An empty state, for a request without parseable input.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the request has parseable input (a `strict` function tool):
    /// then a `length` or `content_filter` finish reason fails
    /// [`handle_chunk`](Self::handle_chunk) (reference/streaming.md b.3).
    pub fn parseable(mut self, parseable: bool) -> Self {
        self.parseable = parseable;
        self
    }

    /// Records the request id the final completion reports.
    pub(crate) fn set_request_id(&mut self, id: Option<&str>) {
        self.request_id = id.map(str::to_owned);
    }

    /// The completion accumulated so far; `None` before the first chunk.
    ///
    /// A choice that has not finished yet has an empty `finish_reason`
    /// (`as_str()` is `""`).
    pub fn current_completion_snapshot(&self) -> Option<&ChatCompletion> {
        self.snapshot.as_ref()
    }

    /// Accumulates `chunk` and returns its events, the chunk itself first.
    /// A chunk whose `object` is not `chat.completion.chunk` (Azure's
    /// content-filter notices) gives no event.
    ///
    /// # Errors
    ///
    /// [`Error::FinishReason`] when the request has
    /// [parseable](Self::parseable) input and a choice finished with
    /// `length` or `content_filter`; the snapshot then holds the chunk.
    pub fn handle_chunk(&mut self, chunk: ChatCompletionChunk) -> Result<Vec<Event>, Error> {
        let mut out = VecDeque::new();
        self.push_chunk(chunk, &mut out)?;
        Ok(out.into())
    }

    /// As [`handle_chunk`](Self::handle_chunk), the events pushed to `out`.
    pub(crate) fn push_chunk(
        &mut self,
        chunk: ChatCompletionChunk,
        out: &mut VecDeque<Event>,
    ) -> Result<(), Error> {
        if chunk.object != "chat.completion.chunk" {
            return Ok(());
        }
        let start = out.len();
        let first = self.snapshot.is_none();
        if first {
            self.snapshot = Some(first_snapshot(&chunk));
        }
        for choice in &chunk.choices {
            if let Err(e) = self.choice(choice, first, out) {
                // The error comes before any event of its chunk.
                out.truncate(start);
                return Err(e);
            }
        }
        let snapshot = self.snapshot.as_mut().expect("set above");
        if !first {
            snapshot.usage = chunk.usage.clone().map(|usage| *usage);
            #[allow(deprecated, reason = "the field is still sent")]
            {
                snapshot.system_fingerprint = chunk.system_fingerprint.clone();
            }
        }
        out.insert(start, Event::Chunk(Box::new(ChunkEvent { chunk })));
        Ok(())
    }

    /// Merges one choice of a chunk, then pushes its events.
    fn choice(
        &mut self,
        choice: &ChatCompletionChunkChoice,
        first: bool,
        out: &mut VecDeque<Event>,
    ) -> Result<(), Error> {
        let snapshot = self.snapshot.as_mut().expect("set before");
        let position = match usize::try_from(choice.index) {
            Ok(i) if i < snapshot.choices.len() && !first => {
                merge_choice(&mut snapshot.choices[i], choice);
                i
            }
            Ok(i) if i < snapshot.choices.len() => i,
            _ => {
                snapshot.choices.push(new_choice(choice));
                snapshot.choices.len() - 1
            }
        };
        if position >= self.choices.len() {
            self.choices.resize_with(position + 1, ChoiceState::default);
        }
        if !first {
            if let Nullable::Value(reason) = &choice.finish_reason {
                let reason = ChatCompletionChoiceFinishReason::from(reason.as_str());
                let kind = finish_kind(&reason);
                snapshot.choices[position].finish_reason = reason;
                if let (true, Some(kind)) = (self.parseable, kind) {
                    let mut completion = snapshot.clone();
                    self.stamp(&mut completion);
                    return Err(Error::FinishReason(FinishReasonError::new(
                        kind, completion,
                    )));
                }
            }
        }
        let snapshot = &snapshot.choices[position];
        let state = &mut self.choices[position];
        delta_events(choice, snapshot, out);
        state.done_events(choice, snapshot, out);
        Ok(())
    }

    /// The final completion (reference/streaming.md b.4): custom tool calls
    /// are dropped, and a choice stopped by `length` or `content_filter` is
    /// an error.
    pub fn final_completion(&self) -> Result<ChatCompletion, Error> {
        let Some(snapshot) = &self.snapshot else {
            return Err(Error::Stream(StreamError::new(StreamErrorKind::EndedEarly)));
        };
        let mut completion = snapshot.clone();
        self.stamp(&mut completion);
        if let Some(kind) = completion
            .choices
            .iter()
            .find_map(|c| finish_kind(&c.finish_reason))
        {
            return Err(Error::FinishReason(FinishReasonError::new(
                kind, completion,
            )));
        }
        for choice in &mut completion.choices {
            if let Nullable::Value(calls) = &mut choice.message.tool_calls {
                calls.retain(|c| matches!(c, ChatCompletionMessageToolCallsItem::Function(_)));
                if calls.is_empty() {
                    choice.message.tool_calls = Nullable::Null;
                }
            }
        }
        Ok(completion)
    }

    fn stamp(&self, completion: &mut ChatCompletion) {
        if let Some(id) = &self.request_id {
            completion.extra_fields_mut().set_request_id(id);
        }
    }
}

// ===== impl ChoiceState =====

impl ChoiceState {
    /// The done events one chunk triggers (Python's `get_done_events`).
    fn done_events(
        &mut self,
        choice: &ChatCompletionChunkChoice,
        snapshot: &ChatCompletionChoice,
        out: &mut VecDeque<Event>,
    ) {
        if !snapshot.finish_reason.as_str().is_empty() {
            self.content_done_events(snapshot, out);
            if let Some(current) = self.current_tool_call {
                self.tool_done_event(snapshot, current, out);
            }
        }
        for call in tool_call_deltas(&choice.delta) {
            if self.current_tool_call != Some(call.index) {
                self.content_done_events(snapshot, out);
                if let Some(previous) = self.current_tool_call {
                    self.tool_done_event(snapshot, previous, out);
                }
            }
            self.current_tool_call = Some(call.index);
        }
    }

    fn content_done_events(&mut self, snapshot: &ChatCompletionChoice, out: &mut VecDeque<Event>) {
        let index = snapshot.index;
        let message = &snapshot.message;
        if let Some(content) = message.content.as_deref().filter(|c| !c.is_empty()) {
            if !self.content_done {
                self.content_done = true;
                out.push_back(Event::ContentDone(ContentDoneEvent {
                    choice_index: index,
                    content: content.to_owned(),
                }));
            }
        }
        if let (Some(refusal), false) = (message.refusal.as_deref(), self.refusal_done) {
            self.refusal_done = true;
            out.push_back(Event::RefusalDone(RefusalDoneEvent {
                choice_index: index,
                refusal: refusal.to_owned(),
            }));
        }
        let logprobs = snapshot.logprobs.as_ref();
        if let (Some(content), false) = (
            logprobs.and_then(|l| l.content.as_ref()),
            self.logprobs_content_done,
        ) {
            self.logprobs_content_done = true;
            out.push_back(Event::LogprobsContentDone(LogprobsContentDoneEvent {
                choice_index: index,
                content: content.clone(),
            }));
        }
        if let (Some(refusal), false) = (
            logprobs.and_then(|l| l.refusal.as_ref()),
            self.logprobs_refusal_done,
        ) {
            self.logprobs_refusal_done = true;
            out.push_back(Event::LogprobsRefusalDone(LogprobsRefusalDoneEvent {
                choice_index: index,
                refusal: refusal.clone(),
            }));
        }
    }

    fn tool_done_event(
        &mut self,
        snapshot: &ChatCompletionChoice,
        index: i64,
        out: &mut VecDeque<Event>,
    ) {
        if self.done_tool_calls.contains(&index) {
            return;
        }
        self.done_tool_calls.push(index);
        if let Some(call) = function_call_at(&snapshot.message, index) {
            out.push_back(Event::FunctionToolCallArgumentsDone(
                FunctionToolCallArgumentsDoneEvent {
                    choice_index: snapshot.index,
                    index,
                    name: call.function.name.clone(),
                    arguments: call.function.arguments.clone(),
                },
            ));
        }
    }
}

/// The delta events of one choice of a chunk (Python's `_build_events`).
fn delta_events(
    choice: &ChatCompletionChunkChoice,
    snapshot: &ChatCompletionChoice,
    out: &mut VecDeque<Event>,
) {
    let index = choice.index;
    let delta = &choice.delta;
    if let (Nullable::Value(text), true) = (&delta.content, snapshot.message.content.is_value()) {
        out.push_back(Event::ContentDelta(ContentDeltaEvent {
            choice_index: index,
            delta: text.clone(),
        }));
    }
    if let (Nullable::Value(text), true) = (&delta.refusal, snapshot.message.refusal.is_value()) {
        out.push_back(Event::RefusalDelta(RefusalDeltaEvent {
            choice_index: index,
            delta: text.clone(),
        }));
    }
    for call in tool_call_deltas(delta) {
        if let Some(snapshot_call) = function_call_at(&snapshot.message, call.index) {
            let fragment = call
                .function
                .as_ref()
                .and_then(|f| f.arguments.as_deref())
                .unwrap_or_default();
            out.push_back(Event::FunctionToolCallArgumentsDelta(
                FunctionToolCallArgumentsDeltaEvent {
                    choice_index: index,
                    index: call.index,
                    name: snapshot_call.function.name.clone(),
                    arguments_delta: fragment.to_owned(),
                },
            ));
        }
    }
    if let (Some(chunk), Some(snap)) = (choice.logprobs.as_ref(), snapshot.logprobs.as_ref()) {
        if let (Some(content), true) = (
            chunk.content.as_ref().filter(|c| !c.is_empty()),
            snap.content.as_ref().is_some_and(|c| !c.is_empty()),
        ) {
            out.push_back(Event::LogprobsContentDelta(LogprobsContentDeltaEvent {
                choice_index: index,
                content: content.clone(),
            }));
        }
        if let (Some(refusal), true) = (
            chunk.refusal.as_ref().filter(|c| !c.is_empty()),
            snap.refusal.as_ref().is_some_and(|c| !c.is_empty()),
        ) {
            out.push_back(Event::LogprobsRefusalDelta(LogprobsRefusalDeltaEvent {
                choice_index: index,
                refusal: refusal.clone(),
            }));
        }
    }
}

fn tool_call_deltas(delta: &ChatCompletionChunkDelta) -> &[ChatCompletionMessageToolCallChunk] {
    delta.tool_calls.as_deref().unwrap_or_default()
}

/// The function tool call at position `index` of a message.
fn function_call_at(
    message: &ChatCompletionMessage,
    index: i64,
) -> Option<&ChatCompletionMessageToolCall> {
    let calls = message.tool_calls.as_ref()?;
    match calls.get(usize::try_from(index).ok()?)? {
        ChatCompletionMessageToolCallsItem::Function(call) => Some(call),
        _ => None,
    }
}

pub(crate) fn finish_kind(reason: &ChatCompletionChoiceFinishReason) -> Option<FinishReasonKind> {
    match reason {
        ChatCompletionChoiceFinishReason::Length => Some(FinishReasonKind::Length),
        ChatCompletionChoiceFinishReason::ContentFilter => Some(FinishReasonKind::ContentFilter),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn chunk(choices: Value) -> ChatCompletionChunk {
        serde_json::from_value(json!({
            "id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": choices,
        }))
        .unwrap()
    }

    fn types(events: &[Event]) -> Vec<&'static str> {
        events.iter().map(Event::event_type).collect()
    }

    #[test]
    fn the_first_chunk_is_not_checked_for_finish_reasons() {
        let mut state = ChatCompletionStreamState::new().parseable(true);
        let events = state
            .handle_chunk(chunk(json!([{"index": 0, "finish_reason": "length",
                "delta": {"role": "assistant", "content": "Hi"}}])))
            .unwrap();
        assert_eq!(types(&events), ["chunk", "content.delta", "content.done"]);
        // The final completion checks every choice.
        assert!(matches!(
            state.final_completion(),
            Err(Error::FinishReason(e)) if e.is_length()
        ));
    }

    #[test]
    fn a_repeated_role_id_or_name_is_kept_once() {
        let mut state = ChatCompletionStreamState::new();
        let call = |id: &str, args: &str| {
            json!([{"index": 0, "delta": {"role": "assistant", "tool_calls": [{"index": 0,
                "id": id, "type": "function", "function": {"name": "f", "arguments": args}}]}}])
        };
        state.handle_chunk(chunk(call("call_1", "{"))).unwrap();
        state.handle_chunk(chunk(call("call_1", "}"))).unwrap();
        let snapshot = state.current_completion_snapshot().unwrap();
        let message = &snapshot.choices[0].message;
        assert_eq!(message.role, "assistant");
        let Some(ChatCompletionMessageToolCallsItem::Function(call)) =
            message.tool_calls.as_ref().unwrap().first()
        else {
            panic!()
        };
        assert_eq!(
            (
                call.id.as_str(),
                call.function.name.as_str(),
                call.function.arguments.as_str()
            ),
            ("call_1", "f", "{}")
        );
    }

    #[test]
    fn custom_tool_calls_accumulate_as_json_and_leave_the_final_completion() {
        let mut state = ChatCompletionStreamState::new();
        let custom = |input: &str| {
            json!([{"index": 0, "delta": {"tool_calls": [{"index": 0, "type": "custom",
                "custom": {"input": input}}]}}])
        };
        let events = state.handle_chunk(chunk(custom("a"))).unwrap();
        assert_eq!(types(&events), ["chunk"]);
        state.handle_chunk(chunk(custom("b"))).unwrap();
        let snapshot = state.current_completion_snapshot().unwrap();
        let Some(ChatCompletionMessageToolCallsItem::Unknown(call)) = snapshot.choices[0]
            .message
            .tool_calls
            .as_ref()
            .unwrap()
            .first()
        else {
            panic!()
        };
        assert_eq!(call["custom"]["input"], json!("ab"));
        let completion = state.final_completion().unwrap();
        assert!(completion.choices[0].message.tool_calls.is_null());
    }

    #[test]
    fn choices_arriving_later_are_appended() {
        let mut state = ChatCompletionStreamState::new();
        state
            .handle_chunk(chunk(json!([{"index": 0, "delta": {"content": "a"}}])))
            .unwrap();
        let events = state
            .handle_chunk(chunk(json!([{"index": 1, "delta": {"content": "b"},
                "finish_reason": "stop"}])))
            .unwrap();
        assert_eq!(types(&events), ["chunk", "content.delta", "content.done"]);
        assert_eq!(events[2].choice_index(), Some(1));
        let snapshot = state.current_completion_snapshot().unwrap();
        assert_eq!(snapshot.choices.len(), 2);
    }
}
