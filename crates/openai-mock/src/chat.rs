//! Chat completion bodies: the `chat.completion` object and its streamed
//! `chat.completion.chunk` form, written with `serde_json::json!` as the API sends them.

use bytes::Bytes;
use serde_json::{Value, json};

use crate::sse;

/// The model name mocks report unless the request named one.
pub(crate) const MODEL: &str = "gpt-4o-mock";

/// The `created` timestamp of every mock object (fixed, so bodies are deterministic).
pub(crate) const CREATED: u64 = 1_700_000_000;

/// `system_fingerprint` of every mock completion.
const FINGERPRINT: &str = "fp_mock";

/// The prompt size `Mock::chat_completion` reports (it never sees the request).
pub(crate) const MOCK_PROMPT_TOKENS: u64 = 10;

/// Token counts of one completion.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    pub(crate) prompt: u64,
    pub(crate) completion: u64,
}

impl Usage {
    /// Usage of a reply `text` to a prompt of `prompt` tokens.
    pub(crate) fn for_reply(prompt: u64, text: &str) -> Self {
        Self {
            prompt,
            completion: count_tokens(text),
        }
    }

    fn to_json(self) -> Value {
        json!({
            "prompt_tokens": self.prompt,
            "completion_tokens": self.completion,
            "total_tokens": self.prompt + self.completion,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0
            }
        })
    }
}

/// The mock's token count: whitespace-separated words.
pub(crate) fn count_tokens(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// The completion id of request number `n`.
pub(crate) fn completion_id(n: u64) -> String {
    format!("chatcmpl-mock-{n}")
}

/// A whole `chat.completion` object answering with `text`.
pub(crate) fn completion(n: u64, model: &str, text: &str, usage: Usage) -> Value {
    json!({
        "id": completion_id(n),
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {
                "role": "assistant",
                "content": text,
                "refusal": null,
                "annotations": []
            },
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": usage.to_json(),
        "service_tier": "default",
        "system_fingerprint": FINGERPRINT
    })
}

/// The encoded SSE events (without `[DONE]`) streaming `text` as chunks: a role chunk,
/// one chunk per word (spaces kept, so the pieces concatenate to `text`), a finish chunk
/// and, when `include_usage` is set, a usage chunk with empty `choices`.
pub(crate) fn stream_events(
    n: u64,
    model: &str,
    text: &str,
    usage: Usage,
    include_usage: bool,
) -> Vec<Bytes> {
    let id = completion_id(n);
    let chunk = |delta: Value, finish: Value| {
        let mut chunk = json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "service_tier": "default",
            "system_fingerprint": FINGERPRINT,
            "choices": [{
                "index": 0,
                "delta": delta,
                "logprobs": null,
                "finish_reason": finish
            }]
        });
        if include_usage {
            chunk["usage"] = Value::Null;
        }
        sse::data_event(&chunk)
    };
    let mut events = Vec::new();
    events.push(chunk(
        json!({"role": "assistant", "content": "", "refusal": null}),
        Value::Null,
    ));
    for piece in split_words(text) {
        events.push(chunk(json!({"content": piece}), Value::Null));
    }
    events.push(chunk(json!({}), json!("stop")));
    if include_usage {
        events.push(sse::data_event(&json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "service_tier": "default",
            "system_fingerprint": FINGERPRINT,
            "choices": [],
            "usage": usage.to_json()
        })));
    }
    events
}

/// The small chunk `Mock::chat_stream_repeat` repeats.
pub(crate) fn repeat_event() -> Bytes {
    sse::data_event(&json!({
        "id": "chatcmpl-mock-bench",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": MODEL,
        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": null}]
    }))
}

/// Splits `text` into words, each piece but the first starting with the whitespace that
/// precedes it: `"a  b c"` gives `["a", "  b", " c"]`. Concatenating the pieces gives
/// `text` back.
pub(crate) fn split_words(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut prev_is_space = false;
    for (i, c) in text.char_indices() {
        let is_space = c.is_whitespace();
        if is_space && !prev_is_space && i > start {
            pieces.push(&text[start..i]);
            start = i;
        }
        prev_is_space = is_space;
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_words_keeps_spaces() {
        assert_eq!(
            split_words("Hello big  world"),
            ["Hello", " big", "  world"]
        );
        assert_eq!(split_words(" lead trail "), [" lead", " trail", " "]);
        assert_eq!(split_words("one"), ["one"]);
        assert!(split_words("").is_empty());
        let text = "héllo\nwörld  ✓ ";
        assert_eq!(split_words(text).concat(), text);
    }

    #[test]
    fn stream_has_role_words_finish_and_usage() {
        let usage = Usage::for_reply(3, "a b");
        let events = stream_events(7, "m", "a b", usage, true);
        assert_eq!(events.len(), 5);
        let last: Value = serde_json::from_slice(&events[4][6..]).unwrap();
        assert_eq!(last["usage"]["total_tokens"], 5);
        assert_eq!(last["choices"], json!([]));
        let finish: Value = serde_json::from_slice(&events[3][6..]).unwrap();
        assert_eq!(finish["choices"][0]["finish_reason"], "stop");
        assert_eq!(finish["id"], "chatcmpl-mock-7");
    }
}
