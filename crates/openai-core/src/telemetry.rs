//! The OpenTelemetry GenAI attributes of a call's span
//! (`openai_transport::trace`): what the request asked for, read here
//! because only the client knows its operations, and what the answer says.
//!
//! Nothing is computed unless a subscriber wants the span: the request side
//! is skipped when [`span_enabled`] says no, and the response side only runs
//! when the transport handed the span back ([`CallSpan`]). Only metadata is
//! read: operation, model, response id and token counts; never a prompt, a
//! completion or a header.

use std::borrow::Cow;

use http::Method;
use openai_transport::trace::{CallSpan, GenAiRequest, span_enabled};
use serde::Deserialize;
use tracing::Span;

use crate::endpoint::Payload;
use crate::route::RouteRequest;

/// The GenAI operation name of an inference endpoint (`POST` to a path of
/// the OpenAI API), `None` for every other call.
pub(crate) fn operation(method: &Method, path: &str) -> Option<&'static str> {
    if *method != Method::POST {
        return None;
    }
    match path.split('?').next()? {
        "/chat/completions" | "/responses" => Some("chat"),
        "/completions" => Some("text_completion"),
        "/embeddings" => Some("embeddings"),
        _ => None,
    }
}

/// The request's GenAI attributes for the transport's span, when a
/// subscriber wants it and the call is an inference.
pub(crate) fn request(method: &Method, path: &str, body: &Payload) -> Option<GenAiRequest> {
    if !span_enabled() {
        return None;
    }
    let operation = operation(method, path)?;
    let model = match body {
        Payload::Json(bytes) => RouteRequest::json(method, path, bytes).model(),
        Payload::Multipart(form) => form.model.clone(),
    };
    Some(GenAiRequest::new(operation, model))
}

/// Records what a JSON answer (or one stream event) says about the call on
/// its span: response id and model, token usage. Fields the answer lacks
/// are left as they are, so a stream fills them in as events bring them.
pub(crate) fn record_response(span: &Span, json: &[u8]) {
    let Ok(meta) = serde_json::from_slice::<Meta<'_>>(json) else {
        return;
    };
    meta.record(span);
    // Responses stream events carry the response inside.
    if let Some(inner) = meta.response {
        inner.record(span);
    }
}

/// The span of a response, if the transport kept one for it.
pub(crate) fn span_of(resp: &openai_transport::HttpResponse) -> Option<&Span> {
    resp.extensions().get::<CallSpan>().map(CallSpan::span)
}

#[derive(Deserialize)]
struct Meta<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(borrow, default)]
    response: Option<Box<Meta<'a>>>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
}

impl Meta<'_> {
    fn record(&self, span: &Span) {
        if let Some(id) = &self.id {
            span.record("gen_ai.response.id", &**id);
        }
        if let Some(model) = &self.model {
            span.record("gen_ai.response.model", &**model);
        }
        if let Some(usage) = &self.usage {
            if let Some(n) = usage.input_tokens.or(usage.prompt_tokens) {
                span.record("gen_ai.usage.input_tokens", n);
            }
            if let Some(n) = usage.output_tokens.or(usage.completion_tokens) {
                span.record("gen_ai.usage.output_tokens", n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inference_posts_have_an_operation() {
        assert_eq!(operation(&Method::POST, "/chat/completions"), Some("chat"));
        assert_eq!(
            operation(&Method::POST, "/responses?beta=true"),
            Some("chat")
        );
        assert_eq!(operation(&Method::POST, "/embeddings"), Some("embeddings"));
        assert_eq!(
            operation(&Method::POST, "/completions"),
            Some("text_completion")
        );
        assert_eq!(operation(&Method::GET, "/chat/completions"), None);
        assert_eq!(operation(&Method::POST, "/files"), None);
    }
}
