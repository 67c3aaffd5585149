//! The server-sent events encoder.
//!
//! Each event is written as the OpenAI API writes it: an optional `event: <name>` line, one
//! `data: <json>` line (JSON never contains a raw newline) and a blank line. A stream ends
//! with `data: [DONE]` unless a mock says otherwise.

use bytes::Bytes;

/// The `content-type` of every SSE response.
pub(crate) const CONTENT_TYPE: &str = "text/event-stream; charset=utf-8";

/// The last event of a chat completions stream.
pub(crate) const DONE: &[u8] = b"data: [DONE]\n\n";

/// Encodes one event with only a `data` field.
pub(crate) fn data_event(data: &serde_json::Value) -> Bytes {
    named_event(None, data)
}

/// Encodes one event, with an `event:` line when `name` is given.
pub(crate) fn named_event(name: Option<&str>, data: &serde_json::Value) -> Bytes {
    let mut out = Vec::with_capacity(128);
    if let Some(name) = name {
        out.extend_from_slice(b"event: ");
        // A newline in the name would split the event; the name is test input, so keep
        // only its first line rather than emit a broken stream.
        out.extend_from_slice(name.lines().next().unwrap_or("").as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"data: ");
    // Writing a `Value` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut out, data);
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn encodes_data_and_named_events() {
        assert_eq!(
            data_event(&json!({"a": "x\ny"})),
            Bytes::from_static(b"data: {\"a\":\"x\\ny\"}\n\n")
        );
        assert_eq!(
            named_event(Some("response.created"), &json!({})),
            Bytes::from_static(b"event: response.created\ndata: {}\n\n")
        );
    }
}
