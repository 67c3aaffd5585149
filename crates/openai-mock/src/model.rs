//! What answers when no mock is queued, no path mock matches and no default is set.
//!
//! First the tiny deterministic model:
//!
//! - `POST /v1/chat/completions` echoes the last user message (streamed when the request
//!   says `"stream": true`, with a usage chunk when `stream_options.include_usage` is set);
//! - `POST /v1/embeddings` returns fixed-seed unit vectors (see `embeddings`);
//! - `GET /v1/models`, `GET /v1/models/{id}` and `DELETE /v1/models/{id}` serve a small
//!   model list.
//!
//! Then the table of every operation of the spec (see `table`); anything else is a 404 with
//! an OpenAI-shaped error body. Paths are accepted with and without the `/v1` prefix.

use http::Method;
use serde_json::{Value, json};

use crate::chat;
use crate::embeddings;
use crate::errors;
use crate::mock::{ChatReply, Mock};
use crate::request::decode_component;
use crate::route::route;
use crate::table::{self, RequestView};

/// Ids of the models the list serves.
const MODELS: [&str; 3] = ["gpt-4o-mock", "gpt-4o-mini-mock", "text-embedding-3-small"];

/// Answers one request the way the server does when nothing is scripted for it.
pub(crate) fn answer(request: &RequestView<'_>) -> Mock {
    builtin(request.method, request.path, request.body)
        .or_else(|| table::answer(request))
        .unwrap_or_else(|| not_found(request.method, request.path))
}

/// The built-in model's answer, or `None` when the route is not one of its own.
fn builtin(method: &Method, path: &str, body: &[u8]) -> Option<Mock> {
    let route = route(path);
    Some(match (method, route) {
        (&Method::POST, "/chat/completions") => chat_completion(body),
        (&Method::POST, "/embeddings") => match parse_json(body) {
            Ok(request) => match embeddings::answer(&request) {
                Ok(response) => Mock::ok(response),
                Err((status, error)) => Mock::json(status, error),
            },
            Err(error) => Mock::json(400, error),
        },
        (&Method::GET, "/models") => Mock::ok(json!({
            "object": "list",
            "data": MODELS.iter().map(|id| model_object(id)).collect::<Vec<_>>()
        })),
        (method, route) if route.starts_with("/models/") && route.len() > "/models/".len() => {
            let id = decode_component(&route["/models/".len()..], false);
            match *method {
                Method::GET if MODELS.contains(&id.as_str()) => Mock::ok(model_object(&id)),
                Method::GET => Mock::json(
                    404,
                    errors::body(
                        &format!("The model '{id}' does not exist"),
                        "invalid_request_error",
                        Some("model"),
                        Some("model_not_found"),
                    ),
                ),
                Method::DELETE => Mock::ok(json!({"id": id, "object": "model", "deleted": true})),
                _ => return None,
            }
        }
        _ => return None,
    })
}

fn chat_completion(body: &[u8]) -> Mock {
    let request = match parse_json(body) {
        Ok(request) => request,
        Err(error) => return Mock::json(400, error),
    };
    let Some(messages) = request.get("messages").and_then(Value::as_array) else {
        return Mock::json(
            400,
            errors::body(
                "Missing required parameter: 'messages'.",
                "invalid_request_error",
                Some("messages"),
                Some("missing_required_parameter"),
            ),
        );
    };
    let text = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .map(|m| content_text(m.get("content")))
        .unwrap_or_default();
    let prompt_tokens = messages
        .iter()
        .map(|m| chat::count_tokens(&content_text(m.get("content"))))
        .sum();
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or(chat::MODEL)
        .to_owned();
    let stream = request.get("stream").and_then(Value::as_bool) == Some(true);
    let include_usage = request
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        == Some(true);
    Mock::chat(ChatReply {
        text,
        model,
        prompt_tokens,
        stream,
        include_usage: stream && include_usage,
    })
}

/// The text of a message `content`: the string itself, or the `text` of each part of an
/// array of parts, concatenated.
fn content_text(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

/// The request body as a JSON object, or the body of the 400 error to answer with.
fn parse_json(body: &[u8]) -> Result<Value, Value> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) if value.is_object() => Ok(value),
        Ok(_) => Err(errors::body(
            "The request body must be a JSON object.",
            "invalid_request_error",
            None,
            None,
        )),
        Err(_) => Err(errors::body(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
            "invalid_request_error",
            None,
            None,
        )),
    }
}

fn model_object(id: &str) -> Value {
    json!({"id": id, "object": "model", "created": chat::CREATED, "owned_by": "openai-mock"})
}

fn not_found(method: &Method, path: &str) -> Mock {
    Mock::json(
        404,
        errors::body(
            &format!("Invalid URL ({method} {path})"),
            "invalid_request_error",
            None,
            None,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_parts_are_joined() {
        let content = json!([
            {"type": "text", "text": "Hello, "},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
            {"type": "text", "text": "world"}
        ]);
        assert_eq!(content_text(Some(&content)), "Hello, world");
        assert_eq!(content_text(Some(&json!("plain"))), "plain");
        assert_eq!(content_text(None), "");
    }
}
