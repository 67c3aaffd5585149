//! The snapshots of an Assistants stream and the handler callbacks they
//! drive (reference/streaming.md d.2).

use openai_types::beta::threads::{
    AssistantStreamEvent, Message, MessageContentItem, MessageDeltaObject,
    MessageDeltaObjectDeltaContentItem, Run, RunStep, RunStepDeltaObject,
    RunStepDeltaObjectDeltaStepDetails, RunStepDeltaStepDetailsToolCallsObjectToolCall,
    RunStepDetailsToolCallsObjectToolCall, RunStepStepDetails,
};
use serde_json::Value;

use super::handler::AssistantEventHandler;
use crate::error::{DecodeError, Error, StreamError, StreamErrorKind};
use crate::helpers::delta::{merge_object, position_of_index};

/// The run, run steps and messages an Assistants stream adds up to (the
/// state behind Python's `AssistantEventHandler`), fed one event at a time.
///
/// [`AssistantStream`](super::AssistantStream) keeps one; use this directly
/// to accumulate events that come from elsewhere (a queue, a recording).
#[derive(Debug, Default, Clone)]
pub struct AssistantStreamState {
    run: Option<Run>,
    /// By id, in the order they were created.
    messages: Vec<Message>,
    current_message: Option<usize>,
    /// By id, in the order they were created.
    steps: Vec<RunStep>,
    current_step: Option<usize>,
    /// The content part of the current message the deltas last touched.
    content: Option<usize>,
    /// The tool call the step deltas last touched.
    tool_call: Option<ToolCallCursor>,
}

/// Where the current tool call sits: its step, its position in the step's
/// tool calls, and its `index` in the deltas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ToolCallCursor {
    step: usize,
    position: usize,
    index: i64,
}

impl AssistantStreamState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// The run as of the last run event (`thread.run.*`, not the step
    /// events).
    pub fn current_run(&self) -> Option<&Run> {
        self.run.as_ref()
    }

    /// The run step the stream is in: from its `thread.run.step.created`
    /// (or `in_progress`) with the deltas since merged, until it is done.
    pub fn current_run_step_snapshot(&self) -> Option<&RunStep> {
        self.current_step.and_then(|i| self.steps.get(i))
    }

    /// The message last created, streamed or completed, its deltas merged.
    pub fn current_message_snapshot(&self) -> Option<&Message> {
        self.current_message.and_then(|i| self.messages.get(i))
    }

    /// Every run step seen, in the order created; a finished step is the
    /// server's final copy.
    pub fn run_steps(&self) -> &[RunStep] {
        &self.steps
    }

    /// Every message seen, in the order created; a finished message is the
    /// server's final copy.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// Takes one event into the snapshots, calling `handler` as
    /// reference/streaming.md d.2 says (with the differences listed on
    /// [`AssistantEventHandler`]).
    ///
    /// # Errors
    ///
    /// [`Error::Stream`] ([`UnknownSnapshot`](StreamErrorKind::UnknownSnapshot))
    /// for a delta of a message or run step the stream has not created;
    /// [`Error::Decode`] when a merged run step or message part no longer
    /// reads as its type.
    pub fn handle_event<H: AssistantEventHandler + ?Sized>(
        &mut self,
        event: &AssistantStreamEvent,
        handler: &mut H,
    ) -> Result<(), Error> {
        use AssistantStreamEvent as E;
        handler.on_event(event);
        match event {
            E::ThreadRunCreated(e) => self.run = Some(e.data.clone()),
            E::ThreadRunQueued(e) => self.run = Some(e.data.clone()),
            E::ThreadRunInProgress(e) => self.run = Some(e.data.clone()),
            E::ThreadRunCancelling(e) => self.run = Some(e.data.clone()),
            E::ThreadRunRequiresAction(e) => self.run_ended(&e.data, handler),
            E::ThreadRunCompleted(e) => self.run_ended(&e.data, handler),
            E::ThreadRunIncomplete(e) => self.run_ended(&e.data, handler),
            E::ThreadRunFailed(e) => self.run_ended(&e.data, handler),
            E::ThreadRunCancelled(e) => self.run_ended(&e.data, handler),
            E::ThreadRunExpired(e) => self.run_ended(&e.data, handler),
            E::ThreadRunStepCreated(e) => {
                let at = upsert(&mut self.steps, &e.data.id, &e.data, |s| &s.id);
                self.current_step = Some(at);
                handler.on_run_step_created(&self.steps[at]);
            }
            E::ThreadRunStepInProgress(e) => {
                let at = match self.steps.iter().position(|s| s.id == e.data.id) {
                    Some(at) => at,
                    None => upsert(&mut self.steps, &e.data.id, &e.data, |s| &s.id),
                };
                self.current_step = Some(at);
            }
            E::ThreadRunStepDelta(e) => self.step_delta(&e.data, handler)?,
            E::ThreadRunStepCompleted(e) => self.step_ended(&e.data, handler),
            E::ThreadRunStepFailed(e) => self.step_ended(&e.data, handler),
            E::ThreadRunStepCancelled(e) => self.step_ended(&e.data, handler),
            E::ThreadRunStepExpired(e) => self.step_ended(&e.data, handler),
            E::ThreadMessageCreated(e) => {
                let at = upsert(&mut self.messages, &e.data.id, &e.data, |m| &m.id);
                self.current_message = Some(at);
                self.content = None;
                handler.on_message_created(&self.messages[at]);
            }
            E::ThreadMessageDelta(e) => self.message_delta(&e.data, handler)?,
            E::ThreadMessageCompleted(e) => self.message_ended(&e.data, handler),
            E::ThreadMessageIncomplete(e) => self.message_ended(&e.data, handler),
            // `thread.created`, `thread.message.in_progress`, `error`,
            // `done` and unknown events change no snapshot.
            _ => {}
        }
        Ok(())
    }

    /// A terminal (or action-needing) run event: the run is replaced and
    /// the pending tool call is done.
    fn run_ended<H: AssistantEventHandler + ?Sized>(&mut self, run: &Run, handler: &mut H) {
        self.run = Some(run.clone());
        self.tool_call_done(handler);
    }

    /// Calls `on_tool_call_done` for the current tool call, once.
    fn tool_call_done<H: AssistantEventHandler + ?Sized>(&mut self, handler: &mut H) {
        if let Some(cursor) = self.tool_call.take() {
            if let Some(call) = self
                .steps
                .get(cursor.step)
                .and_then(|s| tool_call_at(s, cursor.position))
            {
                handler.on_tool_call_done(call);
            }
        }
    }

    fn step_delta<H: AssistantEventHandler + ?Sized>(
        &mut self,
        data: &RunStepDeltaObject,
        handler: &mut H,
    ) -> Result<(), Error> {
        let Some(at) = self.steps.iter().position(|s| s.id == data.id) else {
            return Err(Error::Stream(StreamError::new(
                StreamErrorKind::UnknownSnapshot,
            )));
        };
        self.current_step = Some(at);
        // The generic merge of `accumulate_delta` over the whole step.
        let mut merged = to_value(&self.steps[at])?;
        let delta = to_value(&data.delta)?;
        if let (Value::Object(acc), Value::Object(delta)) = (&mut merged, &delta) {
            merge_object(acc, delta);
        }
        // Where each delta's tool call landed, by its `index` field.
        let landed: Vec<(usize, &RunStepDeltaStepDetailsToolCallsObjectToolCall)> =
            match data.delta.step_details.as_ref().map(|d| &**d) {
                Some(RunStepDeltaObjectDeltaStepDetails::ToolCalls(details)) => {
                    let list = merged
                        .pointer("/step_details/tool_calls")
                        .and_then(Value::as_array)
                        .map_or(&[][..], Vec::as_slice);
                    details
                        .tool_calls
                        .as_ref()
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .filter_map(|call| {
                            position_of_index(list, delta_index(call)?).map(|p| (p, call))
                        })
                        .collect()
                }
                _ => Vec::new(),
            };
        self.steps[at] = serde_json::from_value(merged).map_err(merge_error)?;
        for (position, delta) in landed {
            let index = delta_index(delta).unwrap_or_default();
            let cursor = ToolCallCursor {
                step: at,
                position,
                index,
            };
            if self
                .tool_call
                .is_some_and(|c| c.step == at && c.index == index)
            {
                if let Some(snapshot) = tool_call_at(&self.steps[at], position) {
                    handler.on_tool_call_delta(delta, snapshot);
                }
            } else {
                self.tool_call_done(handler);
                if let Some(snapshot) = tool_call_at(&self.steps[at], position) {
                    handler.on_tool_call_created(snapshot);
                }
            }
            self.tool_call = Some(cursor);
        }
        handler.on_run_step_delta(&data.delta, &self.steps[at]);
        Ok(())
    }

    fn step_ended<H: AssistantEventHandler + ?Sized>(&mut self, step: &RunStep, handler: &mut H) {
        let at = upsert(&mut self.steps, &step.id, step, |s| &s.id);
        // The pending tool call is reported from the server's final copy
        // of the step (with its outputs), at its position.
        if self.tool_call.is_some_and(|c| c.step == at) {
            self.tool_call_done(handler);
        }
        handler.on_run_step_done(&self.steps[at]);
        self.current_step = None;
    }

    fn message_delta<H: AssistantEventHandler + ?Sized>(
        &mut self,
        data: &MessageDeltaObject,
        handler: &mut H,
    ) -> Result<(), Error> {
        let Some(at) = self.messages.iter().position(|m| m.id == data.id) else {
            return Err(Error::Stream(StreamError::new(
                StreamErrorKind::UnknownSnapshot,
            )));
        };
        if self.current_message != Some(at) {
            self.current_message = Some(at);
            self.content = None;
        }
        let parts = data.delta.content.as_ref().map_or(&[][..], Vec::as_slice);
        for part in parts {
            let Some(index) = part_index(part).and_then(|i| usize::try_from(i).ok()) else {
                continue;
            };
            let message = &mut self.messages[at];
            let (position, created) = merge_part(&mut message.content, index, part)?;
            if self.content != Some(position) {
                if let Some(previous) = self.content.and_then(|p| message.content.get(p)) {
                    part_done(previous, handler);
                }
                self.content = Some(position);
            }
            let snapshot = &message.content[position];
            if let MessageContentItem::Text(text) = snapshot {
                if created {
                    handler.on_text_created(&text.text);
                }
                if let MessageDeltaObjectDeltaContentItem::Text(delta) = part {
                    if let Some(delta) = delta.text.as_ref() {
                        handler.on_text_delta(delta, &text.text);
                    }
                }
            }
        }
        handler.on_message_delta(&data.delta, &self.messages[at]);
        Ok(())
    }

    fn message_ended<H: AssistantEventHandler + ?Sized>(
        &mut self,
        message: &Message,
        handler: &mut H,
    ) {
        let at = upsert(&mut self.messages, &message.id, message, |m| &m.id);
        self.current_message = Some(at);
        if let Some(part) = self
            .content
            .take()
            .and_then(|p| self.messages[at].content.get(p))
        {
            part_done(part, handler);
        }
        handler.on_message_done(&self.messages[at]);
    }
}

/// Replaces the item with `id` by a copy of `value`, or appends one;
/// returns its position.
fn upsert<T: Clone>(items: &mut Vec<T>, id: &str, value: &T, id_of: fn(&T) -> &String) -> usize {
    match items.iter().position(|item| id_of(item) == id) {
        Some(at) => {
            items[at] = value.clone();
            at
        }
        None => {
            items.push(value.clone());
            items.len() - 1
        }
    }
}

/// The tool call at `position` in a tool-calls step.
fn tool_call_at(step: &RunStep, position: usize) -> Option<&RunStepDetailsToolCallsObjectToolCall> {
    match &step.step_details {
        RunStepStepDetails::ToolCalls(details) => details.tool_calls.get(position),
        _ => None,
    }
}

/// The `index` of a tool-call delta.
fn delta_index(call: &RunStepDeltaStepDetailsToolCallsObjectToolCall) -> Option<i64> {
    use RunStepDeltaStepDetailsToolCallsObjectToolCall as C;
    match call {
        C::CodeInterpreter(c) => Some(c.index),
        C::FileSearch(c) => Some(c.index),
        C::Function(c) => Some(c.index),
        C::Unknown(v) => v.get("index").and_then(Value::as_i64),
        _ => None,
    }
}

/// The `index` of a message part delta.
fn part_index(part: &MessageDeltaObjectDeltaContentItem) -> Option<i64> {
    use MessageDeltaObjectDeltaContentItem as P;
    match part {
        P::ImageFile(p) => Some(p.index),
        P::Text(p) => Some(p.index),
        P::Refusal(p) => Some(p.index),
        P::ImageUrl(p) => Some(p.index),
        P::Unknown(v) => v.get("index").and_then(Value::as_i64),
        _ => None,
    }
}

/// Merges a part delta into the message content at `index` (its position,
/// as in Python), or appends it as a new part. Returns the position and
/// whether the part is new.
fn merge_part(
    content: &mut Vec<MessageContentItem>,
    index: usize,
    part: &MessageDeltaObjectDeltaContentItem,
) -> Result<(usize, bool), Error> {
    let Some(existing) = content.get_mut(index) else {
        content.push(serde_json::from_value(to_value(part)?).map_err(merge_error)?);
        return Ok((content.len() - 1, true));
    };
    // The common case, text appended, without a round trip through JSON.
    if let (MessageContentItem::Text(acc), MessageDeltaObjectDeltaContentItem::Text(delta)) =
        (&mut *existing, part)
    {
        let plain = delta.extra_fields().is_empty()
            && delta.text.as_ref().is_none_or(|t| {
                t.extra_fields().is_empty() && t.annotations.as_ref().is_none_or(Vec::is_empty)
            });
        if plain {
            if let Some(value) = delta.text.as_ref().and_then(|t| t.value.as_ref()) {
                acc.text.value.push_str(value);
            }
            return Ok((index, false));
        }
    }
    let mut merged = to_value(&*existing)?;
    if let (Value::Object(acc), Value::Object(delta)) = (&mut merged, to_value(part)?) {
        merge_object(acc, &delta);
    }
    *existing = serde_json::from_value(merged).map_err(merge_error)?;
    Ok((index, false))
}

/// `on_text_done` or `on_image_file_done` for a finished part.
fn part_done<H: AssistantEventHandler + ?Sized>(part: &MessageContentItem, handler: &mut H) {
    match part {
        MessageContentItem::Text(text) => handler.on_text_done(&text.text),
        MessageContentItem::ImageFile(image) => handler.on_image_file_done(&image.image_file),
        _ => {}
    }
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(merge_error)
}

fn merge_error(e: serde_json::Error) -> Error {
    Error::Decode(DecodeError::new(
        "an Assistants stream delta could not be merged into its snapshot",
        Some(e),
    ))
}
