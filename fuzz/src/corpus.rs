//! Seed inputs: the spec's example bodies (the round-trip tests that
//! `cargo xtask codegen` writes into openai-types), real SSE streams in the
//! shapes OpenAI sends, and valid error bodies.

use std::sync::OnceLock;

/// The generated round-trip tests of openai-types: each holds one example
/// body of the spec and names the type it parses into.
const SPEC_EXAMPLES: &str = include_str!("../../crates/openai-types/src/generated/tests.rs");

/// One example body of the spec.
#[derive(Debug, Clone)]
pub struct Example {
    /// The last segment of the type the example parses into (`ChatCompletion`).
    pub type_name: &'static str,
    /// The JSON text.
    pub json: &'static str,
}

/// Every example body of the spec, in the order of the generated tests.
pub fn spec_examples() -> &'static [Example] {
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    EXAMPLES.get_or_init(|| parse_examples(SPEC_EXAMPLES))
}

/// `round_trip::<path::Type>(r#"json"#)` and `lossless::<..>(..)` calls.
fn parse_examples(source: &'static str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("::<crate::generated::") {
        rest = &rest[at + 3..];
        let Some(close) = rest.find(">(") else { break };
        let path = &rest[..close];
        let type_name = path.rsplit("::").next().unwrap_or(path);
        rest = &rest[close..];
        let Some(open) = rest.find("r#\"") else { break };
        rest = &rest[open + 3..];
        let Some(end) = rest.find("\"#") else { break };
        out.push(Example {
            type_name,
            json: &rest[..end],
        });
        rest = &rest[end + 2..];
    }
    out
}

/// The examples as compact JSON bytes (one line each, as servers send them).
pub fn compact_examples() -> Vec<Vec<u8>> {
    spec_examples()
        .iter()
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(e.json).ok())
        .filter_map(|v| serde_json::to_vec(&v).ok())
        .collect()
}

/// Streams in the shapes of OpenAI's: chat chunks ending in `[DONE]`,
/// named Responses and Assistants events, comments, ids, `retry`, CRLF and
/// CR line endings, an error event and a byte-order mark.
pub const SSE_STREAMS: &[&str] = &[
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n\
     data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n\
     data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
     data: [DONE]\n\n",
    "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\"}}\n\n\
     event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\"}\n\n\
     event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":2,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\"}}\n\n",
    "event: thread.run.created\r\ndata: {\"id\":\"run_1\",\"object\":\"thread.run\"}\r\n\r\n\
     event: thread.message.delta\r\ndata: {\"id\":\"msg_1\",\"delta\":{\"content\":[{\"index\":0,\"type\":\"text\",\"text\":{\"value\":\"x\"}}]}}\r\n\r\n\
     event: done\r\ndata: [DONE]\r\n\r\n",
    ": keep-alive\n\nid: 42\nretry: 3000\ndata: first line\ndata: second line\n\n\
     id\ndata\n\n:\n\nevent:\ndata:  two spaces\n\n",
    "\u{feff}data: {\"a\":1}\r\rdata: {\"b\":\"\u{e9}\u{4e16}\u{1f600}\"}\r\r",
    "event: error\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"code\":null}}\n\n",
    "data: {\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":\"x\"}}\n\n",
    "data:{\"no\":\"space\"}\n\ndata: cut off without its blank line",
];

/// Error bodies as the API sends them, and the odd ones proxies send.
pub const ERROR_BODIES: &[&str] = &[
    r#"{"error":{"message":"Incorrect API key provided: sk-abc.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
    r#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#,
    r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#,
    r#"{"error":{"message":"","type":"server_error","param":"messages[0].content","code":500}}"#,
    r#"{"message":"no error object","code":"x"}"#,
    r#"{"error":"a string"}"#,
    r#"[1,2,3]"#,
    "<html><body><h1>502 Bad Gateway</h1></body></html>",
    "upstream connect error or disconnect/reset before headers",
    "",
    "   \n",
    r#"{"error":{"message":"truncated"#,
];

/// Webhook payloads in the shape OpenAI sends them.
pub const WEBHOOK_PAYLOADS: &[&str] = &[
    r#"{"id":"evt_685343a1381c819085d44c354e1b330e","type":"response.completed","created_at":1750287018,"data":{"id":"resp_abc123"}}"#,
    r#"{"object":"event","id":"evt_1","type":"batch.failed","created_at":1719168000,"data":{"id":"batch_1"}}"#,
    r#"{"id":"evt_2","type":"fine_tuning.job.succeeded","created_at":1,"data":{"id":"ftjob_1"},"extra":[1,2.5,null,"\u00e9"]}"#,
    r#"{"id":"evt_3","type":"something.new","created_at":2,"data":{}}"#,
];

/// `text` as bytes, for seed lists.
pub fn bytes_of(texts: &[&str]) -> Vec<Vec<u8>> {
    texts.iter().map(|t| t.as_bytes().to_vec()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_examples_are_found_and_parse() {
        let examples = spec_examples();
        assert!(examples.len() > 500, "{}", examples.len());
        let parsed = compact_examples().len();
        assert_eq!(parsed, examples.len(), "every example is JSON");
        assert!(examples.iter().any(|e| e.type_name == "ChatCompletion"));
    }
}
