//! Intermediate model -> the answer table of openai-mock
//! (`crates/openai-mock/src/generated/mod.rs`): per operation, its method, path template,
//! status, answer kind (JSON, empty, bytes), page kind, a body and, for operations that
//! stream, the SSE events. The mock serves that table when nothing else answers, so it
//! knows every operation without reading the spec at build time.
//!
//! A JSON body is the spec's response example when one parses and fits the response type
//! ([`fits`]), else a value built from the schema ([`Sampler`]): required fields, constant
//! and first enum values, string ids, plausible timestamps. The mock parses the text at
//! request time, pages lists and echoes path ids; see `crates/openai-mock/src/table/mod.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};
use yaml_rust2::Yaml;

use crate::emit::HEADER;
use crate::ir::{Api, BodyKind, Operation, Pagination, Payload, Ty, TypeKind};
use crate::resources::{Body, Method, Response};
use crate::spec::Node;

mod values;

use values::{Sampler, fits, lenient_json};

/// The body of a binary answer (speech, file content, zip bundles, videos).
const BYTES: &str = "openai-mock binary content\n";

/// The SDP answer of a realtime call.
const SDP: &str = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=openai-mock\r\nt=0 0\r\n";

/// `crates/openai-mock/src/generated/mod.rs`.
pub(crate) fn emit(
    doc: &Yaml,
    api: &Api,
    methods: &[Method<'_>],
    skips: &BTreeMap<String, String>,
) -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "//! The answer of every operation of the spec, for the mock's table: see\n\
         //! `xtask/src/mock_table.rs`.\n\n\
         use crate::table::{End, Kind, Operation, Page};\n\n\
         /// Every operation of the spec, in spec order.\n\
         pub(crate) static OPERATIONS: &[Operation] = &[\n",
    );
    let examples = response_examples(doc);
    for op in &api.operations {
        let method = methods
            .iter()
            .filter(|m| m.op.id == op.id)
            .find(|m| m.response != Response::Text);
        entry(api, op, method, &examples, skips, &mut out);
    }
    out.push_str("];\n");
    out
}

fn entry(
    api: &Api,
    op: &Operation,
    method: Option<&Method<'_>>,
    examples: &BTreeMap<String, Vec<String>>,
    skips: &BTreeMap<String, String>,
    out: &mut String,
) {
    let (path, query) = op.path.split_once('?').unwrap_or((op.path.as_str(), ""));
    let json_body = op.responses.iter().find(|b| b.kind == BodyKind::Json);
    let status = op
        .responses
        .iter()
        .filter_map(|b| b.status.as_deref()?.parse::<u16>().ok())
        .find(|s| (200..300).contains(s))
        .unwrap_or(200);
    let response = method.map(|m| m.response.clone());
    let binary = match &response {
        Some(Response::Binary(accept)) => Some(binary_type(op, accept)),
        Some(_) => None,
        None => op
            .responses
            .iter()
            .find(|b| b.kind == BodyKind::Binary)
            .map(|b| b.content_type.clone()),
    };
    let empty = matches!(response, Some(Response::Empty))
        || (response.is_none() && op.responses.iter().all(|b| b.kind == BodyKind::Empty));
    let page = match &response {
        Some(Response::Page(kind, _)) => *kind,
        _ => op.pagination,
    };
    let (kind, body) = if let Some(content_type) = binary {
        let body = if content_type == "application/sdp" {
            SDP
        } else {
            BYTES
        };
        (format!("Kind::Binary({content_type:?})"), body.to_owned())
    } else if empty {
        ("Kind::Empty".to_owned(), String::new())
    } else {
        let ty = json_body.and_then(|b| b.ty.clone());
        let snake = crate::names::snake(&op.id).replace("r#", "");
        let example = examples
            .get(&op.id)
            .into_iter()
            .flatten()
            .enumerate()
            .filter(|(i, _)| !skips.contains_key(&format!("{snake}_response_{}", i + 1)))
            .filter_map(|(_, text)| lenient_json(text))
            .map(|v| match &ty {
                Some(t) => Sampler::new(api).complete(t, v, 0),
                None => v,
            })
            .find(|v| ty.as_ref().is_none_or(|t| fits(api, t, v, 0)));
        let value = match (example, &ty) {
            (Some(v), _) => v,
            (None, Some(t)) => Sampler::new(api).value(t, 0),
            (None, None) => json!({}),
        };
        let value = match page {
            Pagination::None => value,
            _ => trim_page(value),
        };
        ("Kind::Json".to_owned(), compact(&value))
    };
    let stream_ty = method
        .and_then(|m| m.stream.clone())
        .or_else(|| op.stream.clone());
    let (events, end) = match &stream_ty {
        Some(t) => stream_events(api, t, json_body.and_then(|b| b.ty.as_ref())),
        None => (Vec::new(), "End::Close"),
    };
    let page = match page {
        Pagination::None => "Page::None",
        Pagination::Page => "Page::Single",
        Pagination::CursorPage => "Page::Cursor",
        Pagination::ConversationCursorPage => "Page::LastId",
        Pagination::NextCursorPage => "Page::Next",
    };
    let multipart = match method {
        Some(m) => m.body == Body::Multipart,
        None => op
            .request_bodies
            .first()
            .is_some_and(|b| b.kind == BodyKind::Multipart),
    };
    let events: Vec<String> = events
        .iter()
        .map(|(name, data)| format!("({name:?}, {})", raw(data)))
        .collect();
    writeln!(
        out,
        "    Operation {{ id: {id:?}, method: {m:?}, path: {path:?}, query: {query:?}, multipart: {multipart}, status: {status}, kind: {kind}, page: {page}, body: {body}, events: &[{events}], end: {end} }},",
        id = op.id,
        m = op.method.to_uppercase(),
        body = raw(&body),
        events = events.join(", "),
    )
    .ok();
}

/// The content type of a binary answer: the spec's, unless it only says "binary".
fn binary_type(op: &Operation, accept: &str) -> String {
    let declared = op
        .responses
        .iter()
        .find(|b| b.kind == BodyKind::Binary)
        .map(|b| b.content_type.clone());
    match declared {
        Some(t) if t != "application/binary" && !t.contains('*') => t,
        _ if accept == "application/binary" => "application/octet-stream".to_owned(),
        _ => accept.to_owned(),
    }
}

/// Keeps the first item of a list answer's `data`: the mock makes the pages from it.
fn trim_page(mut value: Value) -> Value {
    if let Some(Value::Array(data)) = value.get_mut("data") {
        data.truncate(1);
    }
    value
}

/// The events of a stream answer, `(event name, data)`, and how the stream ends.
///
/// A tagged union gives its `*.created` variant (else its first) and its `*.completed`
/// variant (else `*.done`), each named by its tag; Assistants events (tag `event`, payload
/// in `data`) end with `event: done` + `data: [DONE]`; a plain type (chat chunks, legacy
/// completions) is one unnamed event, then `data: [DONE]`.
fn stream_events(
    api: &Api,
    ty: &Ty,
    answer: Option<&Ty>,
) -> (Vec<(Option<String>, String)>, &'static str) {
    let mut sampler = Sampler::new(api);
    let union = match ty {
        Ty::Named(id) => match &api.types[*id].kind {
            TypeKind::Union(u) if u.tag.is_some() => Some(u),
            _ => None,
        },
        _ => None,
    };
    let Some(union) = union else {
        let data = compact(&sampler.value(ty, 0));
        return (vec![(None, data)], "End::Done");
    };
    let tag = union.tag.clone().unwrap_or_default();
    let tagged: Vec<(&str, &Ty)> = union
        .variants
        .iter()
        .filter_map(|v| match (&v.payload, v.tags.first()) {
            (Payload::Ty(t), Some(name)) => Some((name.as_str(), t)),
            _ => None,
        })
        .collect();
    // Prefer the events carrying the operation's own answer (`thread.run.created` for a
    // run, `response.created` for a response), then the least nested name.
    let pick = |suffix: &str| {
        tagged
            .iter()
            .filter(|(name, _)| name.ends_with(suffix))
            .min_by_key(|(name, t)| {
                let carries = answer.is_some_and(|a| carries(api, t, a));
                (!carries, name.matches('.').count())
            })
            .copied()
    };
    let first = pick(".created").or_else(|| tagged.first().copied());
    let last = pick(".completed").or_else(|| pick(".done"));
    let mut chosen = Vec::new();
    chosen.extend(first);
    if let Some(l) = last.filter(|l| first.is_none_or(|f| f.0 != l.0)) {
        chosen.push(l);
    }
    let assistants = tag == "event";
    let events = chosen
        .into_iter()
        .map(|(name, t)| {
            let mut value = sampler.value(t, 0);
            let data = if assistants {
                value.get("data").cloned().unwrap_or_else(|| json!({}))
            } else {
                if let Some(object) = value.as_object_mut() {
                    object.insert(tag.clone(), Value::String(name.to_owned()));
                }
                value
            };
            (Some(name.to_owned()), compact(&data))
        })
        .collect();
    let end = if assistants {
        "End::EventDone"
    } else {
        "End::Close"
    };
    (events, end)
}

/// Whether the event type `event` has a field of type `answer`.
fn carries(api: &Api, event: &Ty, answer: &Ty) -> bool {
    match event {
        Ty::Named(id) => match &api.types[*id].kind {
            TypeKind::Struct(fields) => fields.iter().any(|f| f.ty == *answer),
            _ => false,
        },
        _ => false,
    }
}

/// Operation id -> the `response` texts of its `x-oaiMeta` examples, in order.
fn response_examples(doc: &Yaml) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Some(paths) = doc.get("paths") else {
        return out;
    };
    for (_, item) in paths.entries() {
        for (_, op) in item.entries() {
            let Some(id) = op.str_of("operationId") else {
                continue;
            };
            let examples: Vec<&Yaml> = match op.get("x-oaiMeta").and_then(|m| m.get("examples")) {
                Some(Yaml::Array(a)) => a.iter().collect(),
                Some(h @ Yaml::Hash(_)) => vec![h],
                _ => Vec::new(),
            };
            let texts = examples
                .iter()
                .filter_map(|e| e.str_of("response"))
                .map(str::to_owned)
                .collect();
            out.insert(id.to_owned(), texts);
        }
    }
    out
}

fn compact(value: &Value) -> String {
    // Serializing a `Value` cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// `text` as a Rust raw string literal.
fn raw(text: &str) -> String {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let h = "#".repeat(hashes);
    format!("r{h}\"{text}\"{h}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_strings_outgrow_their_content() {
        assert_eq!(raw("a"), "r#\"a\"#");
        assert_eq!(raw("\"#x"), "r##\"\"#x\"##");
    }
}
