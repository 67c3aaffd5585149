//! [`AssistantEventHandler`]: Python's callbacks, for those who prefer them
//! to matching on events.

use openai_types::beta::threads::{
    AssistantStreamEvent, Message, MessageContentImageFileObjectImageFile,
    MessageContentTextObjectText, MessageDeltaContentTextObjectText, MessageDeltaObjectDelta,
    RunStep, RunStepDeltaObjectDelta, RunStepDeltaStepDetailsToolCallsObjectToolCall,
    RunStepDetailsToolCallsObjectToolCall,
};

use crate::error::Error;

/// Callbacks fired while an [`AssistantStream`](super::AssistantStream) is
/// read (Python's `AssistantEventHandler`, reference/streaming.md d.2).
///
/// Optional: the stream yields the raw [`AssistantStreamEvent`]s and keeps
/// the snapshots either way. Attach one with
/// [`AssistantStreamRequest::event_handler`](super::AssistantStreamRequest::event_handler)
/// (which also sends `X-Stainless-Custom-Event-Handler: true`); every method
/// has an empty default, so implement only those you need. Callbacks run
/// inside `poll_next`, in the order of the events, before the event is
/// returned; keep them short and do not block in them.
///
/// Where this differs from Python, on purpose:
/// - `on_tool_call_done` fires once per tool call (Python fires it again
///   at each later terminal run event), with the step's final copy when the
///   step has finished;
/// - for a delta that moves to a new message part, `on_text_done` (or
///   `on_image_file_done`) of the previous part comes first, then
///   `on_text_created`, then `on_text_delta` (Python calls the first one
///   last);
/// - a finished run step or message replaces its snapshot with the
///   server's final copy (Python keeps the merged deltas for steps);
/// - `on_timeout` and `on_exception` get the SDK's [`Error`]; `on_end` fires
///   when the stream ends, by its end or by an error, and not again.
#[allow(unused_variables, reason = "the defaults ignore their arguments")]
pub trait AssistantEventHandler: Send {
    /// Every event, before the callbacks specific to it.
    fn on_event(&mut self, event: &AssistantStreamEvent) {}

    /// `thread.run.step.created`.
    fn on_run_step_created(&mut self, run_step: &RunStep) {}

    /// `thread.run.step.delta`, after the delta was merged into the step.
    fn on_run_step_delta(&mut self, delta: &RunStepDeltaObjectDelta, snapshot: &RunStep) {}

    /// `thread.run.step.completed`, `failed`, `cancelled` or `expired`
    /// (after `on_tool_call_done` for the step's last tool call).
    fn on_run_step_done(&mut self, run_step: &RunStep) {}

    /// The first delta of a tool call: the call as accumulated so far.
    fn on_tool_call_created(&mut self, tool_call: &RunStepDetailsToolCallsObjectToolCall) {}

    /// A later delta of the current tool call, with the call accumulated so
    /// far.
    fn on_tool_call_delta(
        &mut self,
        delta: &RunStepDeltaStepDetailsToolCallsObjectToolCall,
        snapshot: &RunStepDetailsToolCallsObjectToolCall,
    ) {
    }

    /// A tool call is complete: a delta for another tool call arrived, its
    /// step finished, or the run ended or needs action.
    fn on_tool_call_done(&mut self, tool_call: &RunStepDetailsToolCallsObjectToolCall) {}

    /// `thread.message.created`.
    fn on_message_created(&mut self, message: &Message) {}

    /// `thread.message.delta`, after the delta was merged into the message.
    fn on_message_delta(&mut self, delta: &MessageDeltaObjectDelta, snapshot: &Message) {}

    /// `thread.message.completed` or `incomplete` (after the done callback
    /// of its last part).
    fn on_message_done(&mut self, message: &Message) {}

    /// A delta created a new text part.
    fn on_text_created(&mut self, text: &MessageContentTextObjectText) {}

    /// A text delta, with the part's text accumulated so far.
    fn on_text_delta(
        &mut self,
        delta: &MessageDeltaContentTextObjectText,
        snapshot: &MessageContentTextObjectText,
    ) {
    }

    /// A text part is complete: the deltas moved to another part, or its
    /// message finished.
    fn on_text_done(&mut self, text: &MessageContentTextObjectText) {}

    /// An image-file part is complete (same triggers as `on_text_done`).
    fn on_image_file_done(&mut self, image_file: &MessageContentImageFileObjectImageFile) {}

    /// The stream timed out ([`Error::Timeout`]); `on_exception` follows.
    fn on_timeout(&mut self) {}

    /// The stream failed; the error is returned from the stream next.
    fn on_exception(&mut self, error: &Error) {}

    /// The stream ended, normally or by an error.
    fn on_end(&mut self) {}
}

/// The handler used when none is attached: every callback does nothing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NoEventHandler;

impl AssistantEventHandler for NoEventHandler {}

impl<H: AssistantEventHandler + ?Sized> AssistantEventHandler for Box<H> {
    fn on_event(&mut self, event: &AssistantStreamEvent) {
        (**self).on_event(event);
    }
    fn on_run_step_created(&mut self, run_step: &RunStep) {
        (**self).on_run_step_created(run_step);
    }
    fn on_run_step_delta(&mut self, delta: &RunStepDeltaObjectDelta, snapshot: &RunStep) {
        (**self).on_run_step_delta(delta, snapshot);
    }
    fn on_run_step_done(&mut self, run_step: &RunStep) {
        (**self).on_run_step_done(run_step);
    }
    fn on_tool_call_created(&mut self, tool_call: &RunStepDetailsToolCallsObjectToolCall) {
        (**self).on_tool_call_created(tool_call);
    }
    fn on_tool_call_delta(
        &mut self,
        delta: &RunStepDeltaStepDetailsToolCallsObjectToolCall,
        snapshot: &RunStepDetailsToolCallsObjectToolCall,
    ) {
        (**self).on_tool_call_delta(delta, snapshot);
    }
    fn on_tool_call_done(&mut self, tool_call: &RunStepDetailsToolCallsObjectToolCall) {
        (**self).on_tool_call_done(tool_call);
    }
    fn on_message_created(&mut self, message: &Message) {
        (**self).on_message_created(message);
    }
    fn on_message_delta(&mut self, delta: &MessageDeltaObjectDelta, snapshot: &Message) {
        (**self).on_message_delta(delta, snapshot);
    }
    fn on_message_done(&mut self, message: &Message) {
        (**self).on_message_done(message);
    }
    fn on_text_created(&mut self, text: &MessageContentTextObjectText) {
        (**self).on_text_created(text);
    }
    fn on_text_delta(
        &mut self,
        delta: &MessageDeltaContentTextObjectText,
        snapshot: &MessageContentTextObjectText,
    ) {
        (**self).on_text_delta(delta, snapshot);
    }
    fn on_text_done(&mut self, text: &MessageContentTextObjectText) {
        (**self).on_text_done(text);
    }
    fn on_image_file_done(&mut self, image_file: &MessageContentImageFileObjectImageFile) {
        (**self).on_image_file_done(image_file);
    }
    fn on_timeout(&mut self) {
        (**self).on_timeout();
    }
    fn on_exception(&mut self, error: &Error) {
        (**self).on_exception(error);
    }
    fn on_end(&mut self) {
        (**self).on_end();
    }
}
