//! Merging chunks into the completion snapshot: the Python SDK's
//! `accumulate_delta` over the typed chat models (reference/streaming.md b.3).

use openai_types::chat::{
    ChatCompletion, ChatCompletionChoice, ChatCompletionChoiceFinishReason,
    ChatCompletionChoiceLogprobs, ChatCompletionChunk, ChatCompletionChunkChoice,
    ChatCompletionChunkDelta, ChatCompletionMessage, ChatCompletionMessageToolCallChunk,
};
use openai_types::{
    ChatCompletionMessageToolCall, ChatCompletionMessageToolCallFunction,
    ChatCompletionMessageToolCallsItem, Nullable,
};
use serde_json::Value;

use crate::helpers::delta::{merge_extra, merge_object};

/// The snapshot of the first chunk: the chunk as a completion, without
/// `obfuscation` (reference/streaming.md b.3).
pub(super) fn first_snapshot(chunk: &ChatCompletionChunk) -> ChatCompletion {
    let mut completion = ChatCompletion::new(
        chunk.model.clone(),
        chunk.id.clone(),
        Vec::with_capacity(chunk.choices.len()),
        chunk.created,
    );
    completion.service_tier = chunk.service_tier.clone();
    #[allow(deprecated, reason = "the field is still sent")]
    {
        completion.system_fingerprint = match &chunk.system_fingerprint {
            Nullable::Absent => Nullable::Null,
            other => other.clone(),
        };
    }
    completion.usage = chunk.usage.clone().map(|usage| *usage);
    completion.moderation = chunk.moderation.clone();
    merge_extra(completion.extra_fields_mut(), chunk.extra_fields());
    completion
}

/// A choice snapshot built from its first chunk: the choice with its
/// `delta` as the message.
pub(super) fn new_choice(choice: &ChatCompletionChunkChoice) -> ChatCompletionChoice {
    let mut message = ChatCompletionMessage::new();
    let mut role_set = false;
    merge_message(&mut message, &choice.delta, &mut role_set);
    let mut snapshot = ChatCompletionChoice::new(
        choice
            .finish_reason
            .as_ref()
            .map(|r| ChatCompletionChoiceFinishReason::from(r.as_str()))
            .unwrap_or_default(),
        choice.index,
        message,
    );
    if let Nullable::Value(logprobs) = &choice.logprobs {
        let mut acc = ChatCompletionChoiceLogprobs::new();
        acc.content = logprobs.content.clone();
        acc.refusal = logprobs.refusal.clone();
        merge_extra(acc.extra_fields_mut(), logprobs.extra_fields());
        snapshot.logprobs = Nullable::Value(Box::new(acc));
    }
    merge_extra(snapshot.extra_fields_mut(), choice.extra_fields());
    snapshot
}

/// Merges a later chunk's choice into its snapshot: the message delta and
/// the logprobs (reference/streaming.md b.3).
pub(super) fn merge_choice(
    snapshot: &mut ChatCompletionChoice,
    choice: &ChatCompletionChunkChoice,
) {
    let mut role_set = true;
    merge_message(&mut snapshot.message, &choice.delta, &mut role_set);
    let Nullable::Value(logprobs) = &choice.logprobs else {
        return;
    };
    match &mut snapshot.logprobs {
        Nullable::Value(acc) => {
            append_tokens(&mut acc.content, &logprobs.content);
            append_tokens(&mut acc.refusal, &logprobs.refusal);
        }
        acc => {
            let mut new = ChatCompletionChoiceLogprobs::new();
            new.content = logprobs.content.clone();
            new.refusal = logprobs.refusal.clone();
            *acc = Nullable::Value(Box::new(new));
        }
    }
}

fn append_tokens<T: Clone>(acc: &mut Nullable<Vec<T>>, delta: &Nullable<Vec<T>>) {
    let Some(delta) = delta.as_ref().filter(|d| !d.is_empty()) else {
        return;
    };
    match acc {
        Nullable::Value(acc) => acc.extend_from_slice(delta),
        acc => *acc = Nullable::Value(delta.clone()),
    }
}

/// `accumulate_delta` over a message, field by field.
fn merge_message(
    message: &mut ChatCompletionMessage,
    delta: &ChatCompletionChunkDelta,
    role_set: &mut bool,
) {
    merge_text(&mut message.content, &delta.content);
    merge_text(&mut message.refusal, &delta.refusal);
    if let Nullable::Value(role) = &delta.role {
        let role = role.as_str();
        if !*role_set || message.role.is_empty() {
            message.role = role.to_owned().into();
            *role_set = true;
        } else if message.role != role {
            message.role.to_mut().push_str(role);
        }
    }
    merge_function_call(message, delta);
    if let Some(calls) = delta.tool_calls.as_ref() {
        let acc = match &mut message.tool_calls {
            Nullable::Value(acc) => acc,
            slot => {
                *slot = Nullable::Value(Vec::with_capacity(calls.len()));
                slot.as_mut().expect("just set")
            }
        };
        for call in calls {
            merge_tool_call(acc, call);
        }
    }
    merge_extra(message.extra_fields_mut(), delta.extra_fields());
}

/// The deprecated `function_call` of a message, merged as a tool call's
/// function.
#[allow(deprecated, reason = "`function_call` is deprecated, and still sent")]
fn merge_function_call(message: &mut ChatCompletionMessage, delta: &ChatCompletionChunkDelta) {
    use openai_types::chat::ChatCompletionMessageFunctionCall;

    if let Nullable::Value(call) = &delta.function_call {
        match &mut message.function_call {
            Nullable::Value(acc) => {
                merge_repeat(&mut acc.name, call.name.as_deref());
                acc.arguments
                    .push_str(call.arguments.as_deref().unwrap_or_default());
                merge_extra(acc.extra_fields_mut(), call.extra_fields());
            }
            acc => {
                let mut new = ChatCompletionMessageFunctionCall::new(
                    call.arguments.as_deref().unwrap_or_default(),
                    call.name.as_deref().unwrap_or_default(),
                );
                merge_extra(new.extra_fields_mut(), call.extra_fields());
                *acc = Nullable::Value(Box::new(new));
            }
        }
    }
}

/// Merges a tool-call delta into the call at position `index`, or adds it.
fn merge_tool_call(
    acc: &mut Vec<ChatCompletionMessageToolCallsItem>,
    delta: &ChatCompletionMessageToolCallChunk,
) {
    let existing = usize::try_from(delta.index)
        .ok()
        .and_then(|i| acc.get_mut(i));
    match existing {
        Some(ChatCompletionMessageToolCallsItem::Function(call)) => {
            merge_repeat(&mut call.id, delta.id.as_deref());
            if let Nullable::Value(function) = &delta.function {
                merge_repeat(&mut call.function.name, function.name.as_deref());
                call.function
                    .arguments
                    .push_str(function.arguments.as_deref().unwrap_or_default());
                merge_extra(call.function.extra_fields_mut(), function.extra_fields());
            }
            merge_extra(call.extra_fields_mut(), delta.extra_fields());
        }
        Some(ChatCompletionMessageToolCallsItem::Unknown(Value::Object(call))) => {
            if let Ok(Value::Object(delta)) = serde_json::to_value(delta) {
                merge_object(call, &delta);
            }
        }
        Some(_) => {}
        None => acc.push(new_tool_call(delta)),
    }
}

/// A tool call from its first delta. A function call keeps its `index`, as
/// Python's accumulated objects do; a call of another kind (`custom`) is
/// accumulated as JSON.
fn new_tool_call(delta: &ChatCompletionMessageToolCallChunk) -> ChatCompletionMessageToolCallsItem {
    let is_function = match delta.r#type.as_deref() {
        Some(kind) => kind == "function",
        None => true,
    };
    if !is_function {
        return ChatCompletionMessageToolCallsItem::Unknown(
            serde_json::to_value(delta).unwrap_or(Value::Null),
        );
    }
    let mut function = ChatCompletionMessageToolCallFunction::new(String::new(), String::new());
    if let Nullable::Value(f) = &delta.function {
        function.name = f.name.clone().into_option().unwrap_or_default();
        function.arguments = f.arguments.clone().into_option().unwrap_or_default();
        merge_extra(function.extra_fields_mut(), f.extra_fields());
    }
    let mut call =
        ChatCompletionMessageToolCall::new(delta.id.as_deref().unwrap_or_default(), function);
    call.extra_fields_mut()
        .insert("index", Value::from(delta.index));
    merge_extra(call.extra_fields_mut(), delta.extra_fields());
    ChatCompletionMessageToolCallsItem::Function(call)
}

/// Rules 1, 2, 4 and 8 of `accumulate_delta` for a nullable string.
fn merge_text(acc: &mut Nullable<String>, delta: &Nullable<String>) {
    match (&mut *acc, delta) {
        (_, Nullable::Absent) => {}
        (Nullable::Value(acc), Nullable::Value(text)) => acc.push_str(text),
        (Nullable::Value(_), Nullable::Null) => {}
        (acc, delta) => *acc = delta.clone(),
    }
}

/// A string the API sends once (an id, a name): set, or concatenated with
/// a different value as Python does; the same value repeated is kept once.
fn merge_repeat(acc: &mut String, delta: Option<&str>) {
    match delta {
        Some(text) if acc.is_empty() => text.clone_into(acc),
        Some(text) if acc != text => acc.push_str(text),
        _ => {}
    }
}
