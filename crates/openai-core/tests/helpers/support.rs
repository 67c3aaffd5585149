//! Shared helpers: the test client and event builders.

use futures_util::StreamExt;
use openai_core::{Client, Error};
use openai_mock::MockServer;
use serde_json::{Value, json};

/// A client pointed at `server`.
pub(crate) fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("My API Key")
        .base_url(server.url())
        .build()
        .expect("the test client builds")
}

/// A `chat.completion.chunk` with these choices.
pub(crate) fn chunk(choices: Value) -> Value {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 7,
        "model": "gpt-4o",
        "system_fingerprint": "fp_1",
        "choices": choices,
    })
}

/// One choice of a chunk.
pub(crate) fn choice(index: i64, delta: Value, finish_reason: Value) -> Value {
    json!({"index": index, "delta": delta, "finish_reason": finish_reason})
}

/// Collects a stream's items, stopping after the first error.
pub(crate) async fn collect<S, T>(stream: &mut S) -> (Vec<T>, Option<Error>)
where
    S: futures_core::Stream<Item = Result<T, Error>> + Unpin,
{
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(e) => return (items, Some(e)),
        }
    }
    (items, None)
}
