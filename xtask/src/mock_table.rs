//! Intermediate model -> the answer table of openai-mock
//! (`crates/openai-mock/src/generated/mod.rs`): per operation, its method, path template,
//! status, answer kind (JSON, empty, bytes), page kind, a body and, for operations that
//! stream, the SSE events. The mock serves that table when nothing else answers, so it
//! knows every operation without reading the spec at build time.
//!
//! A JSON body is the spec's response example when one parses and fits the response type
//! ([`fits`]), else a value built from the schema ([`Sampler`]): required fields, constant
//! and first enum values, string ids, plausible timestamps. The mock parses the text at
//! request time, pages lists and echoes path ids; see `crates/openai-mock/src/table.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value, json};
use yaml_rust2::Yaml;

use crate::emit::HEADER;
use crate::ir::{Api, BodyKind, Operation, Pagination, Payload, Ty, TypeKind};
use crate::resources::{Body, Method, Response};
use crate::spec::Node;

/// Deeper than this, arrays are empty and objects are `{}`.
const MAX_DEPTH: usize = 10;

/// A plausible Unix time (2023-11-14) for `created_at` and the like.
const TIMESTAMP: i64 = 1_700_000_000;

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

/// Parses an example: strict JSON, or JSON once trailing commas are dropped (several
/// examples have them). Only objects count.
fn lenient_json(text: &str) -> Option<Value> {
    let parsed = serde_json::from_str::<Value>(text)
        .ok()
        .or_else(|| serde_json::from_str::<Value>(&drop_trailing_commas(text)).ok())?;
    parsed.is_object().then_some(parsed)
}

/// Removes each `,` that only whitespace separates from a closing `}` or `]`, outside
/// strings.
fn drop_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

/// Whether `v` reads as a `ty`: the right JSON kinds, every required field present,
/// constants equal, a tagged union's tag known. Enums stay open (any string fits).
fn fits(api: &Api, ty: &Ty, v: &Value, depth: usize) -> bool {
    if depth > 64 {
        return true;
    }
    match ty {
        Ty::String | Ty::Binary => v.is_string(),
        Ty::Integer => v.is_i64() || v.is_u64(),
        Ty::Number => v.is_number(),
        Ty::Bool => v.is_boolean(),
        Ty::Any => true,
        Ty::Object => v.is_object(),
        Ty::Map(inner) => v
            .as_object()
            .is_some_and(|o| o.values().all(|x| fits(api, inner, x, depth + 1))),
        Ty::Array(inner) => v
            .as_array()
            .is_some_and(|a| a.iter().all(|x| fits(api, inner, x, depth + 1))),
        Ty::Named(id) => match &api.types[*id].kind {
            TypeKind::Alias(inner) => fits(api, inner, v, depth + 1),
            TypeKind::Enum { .. } => v.is_string(),
            TypeKind::Union(u) => {
                let fits_variant = |p: &Payload| match p {
                    Payload::Const(c) => v.as_str() == Some(c.as_str()),
                    Payload::Ty(t) => fits(api, t, v, depth + 1),
                };
                match (&u.tag, v.as_object()) {
                    (Some(tag), Some(o)) if o.get(tag).is_some_and(Value::is_string) => {
                        let value = o.get(tag).and_then(Value::as_str).unwrap_or_default();
                        u.variants
                            .iter()
                            .filter(|x| x.tags.iter().any(|t| t == value))
                            .any(|x| fits_variant(&x.payload))
                    }
                    _ => u.variants.iter().any(|x| fits_variant(&x.payload)),
                }
            }
            TypeKind::Struct(fields) => {
                let Some(o) = v.as_object() else {
                    return false;
                };
                fields.iter().all(|f| match o.get(&f.wire) {
                    None => !f.required,
                    Some(Value::Null) => f.nullable || !f.required,
                    Some(x) => match &f.constant {
                        Some(c) => x.as_str() == Some(c.as_str()),
                        None => fits(api, &f.ty, x, depth + 1),
                    },
                })
            }
        },
    }
}

/// Builds a value of a type: required fields only, values a client parses and a
/// reader recognizes.
struct Sampler<'a> {
    api: &'a Api,
    /// An object was cut short at [`MAX_DEPTH`] since the innermost array began: that array
    /// is left empty rather than hold an object missing its required fields.
    truncated: bool,
}

impl<'a> Sampler<'a> {
    fn new(api: &'a Api) -> Self {
        Self {
            api,
            truncated: false,
        }
    }

    fn value(&mut self, ty: &Ty, depth: usize) -> Value {
        self.field_value(ty, "", "", depth)
    }

    /// `value` (an example) with the required fields it lacks filled in, at any depth
    /// the type reaches: several examples leave out a field their schema requires.
    fn complete(&mut self, ty: &Ty, mut value: Value, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return value;
        }
        let api = self.api;
        match (ty, &mut value) {
            (Ty::Array(inner), Value::Array(items)) => {
                let done = std::mem::take(items)
                    .into_iter()
                    .map(|item| self.complete(inner, item, depth + 1))
                    .collect();
                *items = done;
            }
            (Ty::Map(inner), Value::Object(map)) => {
                for item in map.values_mut() {
                    *item = self.complete(inner, item.take(), depth + 1);
                }
            }
            (Ty::Named(id), _) => match &api.types[*id].kind {
                TypeKind::Alias(inner) => return self.complete(inner, value, depth),
                TypeKind::Union(u) => {
                    let tag = u
                        .tag
                        .as_ref()
                        .and_then(|t| value.get(t))
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    let variant = u.variants.iter().find(|v| match &tag {
                        Some(tag) => v.tags.iter().any(|t| t == tag),
                        None => false,
                    });
                    if let Some(Payload::Ty(t)) = variant.map(|v| &v.payload) {
                        return self.complete(t, value, depth + 1);
                    }
                }
                TypeKind::Struct(fields) => {
                    let Value::Object(map) = &mut value else {
                        return value;
                    };
                    let object = fields
                        .iter()
                        .find(|f| f.wire == "object")
                        .and_then(|f| f.constant.clone())
                        .unwrap_or_default();
                    for f in fields {
                        match map.get_mut(&f.wire) {
                            Some(v) => *v = self.complete(&f.ty, v.take(), depth + 1),
                            None if !f.required => {}
                            None => {
                                let v = match &f.constant {
                                    Some(c) => json!(c),
                                    None if f.nullable => Value::Null,
                                    None => self.field_value(&f.ty, &f.wire, &object, depth + 1),
                                };
                                map.insert(f.wire.clone(), v);
                            }
                        }
                    }
                }
                TypeKind::Enum { .. } => {}
            },
            _ => {}
        }
        value
    }

    /// A value of `ty` for the field `name` of an object whose `object` constant is
    /// `object` (both may be empty).
    fn field_value(&mut self, ty: &Ty, name: &str, object: &str, depth: usize) -> Value {
        match ty {
            Ty::String => Value::String(string_for(name, object)),
            Ty::Integer => json!(integer_for(name)),
            Ty::Number if is_time(name) => json!(TIMESTAMP),
            Ty::Number => json!(0.5),
            Ty::Bool => Value::Bool(name != "has_more"),
            Ty::Binary => Value::String("file.txt".to_owned()),
            Ty::Any | Ty::Object | Ty::Map(_) => json!({}),
            Ty::Array(inner) if depth < MAX_DEPTH => {
                let outer = std::mem::take(&mut self.truncated);
                let item = self.field_value(inner, name, object, depth + 1);
                let cut = std::mem::replace(&mut self.truncated, outer);
                if cut { json!([]) } else { json!([item]) }
            }
            Ty::Array(_) => json!([]),
            Ty::Named(id) => {
                let api = self.api;
                match &api.types[*id].kind {
                    TypeKind::Alias(inner) => self.field_value(inner, name, object, depth),
                    TypeKind::Enum { values, .. } => values
                        .first()
                        .map_or_else(|| Value::String("value".to_owned()), |v| json!(v)),
                    TypeKind::Union(u) => {
                        let variant = u
                            .variants
                            .iter()
                            .find(|v| matches!(v.payload, Payload::Ty(_)))
                            .or(u.variants.first());
                        match variant.map(|v| (&v.payload, v.tags.first())) {
                            Some((Payload::Const(c), _)) => json!(c),
                            Some((Payload::Ty(t), tag)) if depth < MAX_DEPTH => {
                                let mut value = self.field_value(t, name, object, depth + 1);
                                if let (Some(key), Some(tag), Some(o)) =
                                    (&u.tag, tag, value.as_object_mut())
                                {
                                    o.insert(key.clone(), json!(tag));
                                }
                                value
                            }
                            _ => {
                                self.truncated = true;
                                json!({})
                            }
                        }
                    }
                    TypeKind::Struct(_) if depth >= MAX_DEPTH => {
                        self.truncated = true;
                        json!({})
                    }
                    TypeKind::Struct(fields) => {
                        let list = fields.iter().any(|f| f.wire == "data")
                            && fields.iter().any(|f| f.wire == "object");
                        let object = fields
                            .iter()
                            .find(|f| f.wire == "object")
                            .and_then(|f| f.constant.clone())
                            .unwrap_or_else(|| {
                                if list {
                                    "list".to_owned()
                                } else {
                                    String::new()
                                }
                            });
                        let mut out = Map::new();
                        for f in fields.iter().filter(|f| f.required) {
                            // A required nullable field is null: `error: null` reads as
                            // success, where a sample error would not.
                            let v = match &f.constant {
                                Some(c) => json!(c),
                                None if f.nullable => Value::Null,
                                None => self.field_value(&f.ty, &f.wire, &object, depth + 1),
                            };
                            out.insert(f.wire.clone(), v);
                        }
                        Value::Object(out)
                    }
                }
            }
        }
    }
}

/// A string for field `name`: ids look like ids, models like models.
fn string_for(name: &str, object: &str) -> String {
    let prefix = object.rsplit('.').next().unwrap_or_default();
    match name {
        "object" if object == "list" => "list".to_owned(),
        "id" if !prefix.is_empty() && prefix != "list" => format!("{prefix}_abc123"),
        "id" => "mock_abc123".to_owned(),
        "model" => "gpt-4o-mini".to_owned(),
        "created_at" | "updated_at" | "completed_at" => "2023-11-14T22:13:20Z".to_owned(),
        n if n.ends_with("_id") => format!("{}_abc123", n.trim_end_matches("_id")),
        "name" | "filename" | "title" => "example".to_owned(),
        "email" => "user@example.com".to_owned(),
        _ => "text".to_owned(),
    }
}

fn integer_for(name: &str) -> i64 {
    if is_time(name) { TIMESTAMP } else { 1 }
}

/// Whether a numeric field holds a Unix time.
fn is_time(name: &str) -> bool {
    name == "created"
        || name.ends_with("_at")
        || name.starts_with("created")
        || name.starts_with("start_time")
        || name.starts_with("end_time")
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
    fn trailing_commas_go_outside_strings_only() {
        assert_eq!(
            drop_trailing_commas("{\"a\": [1, 2, ], \"b\": \",}\", }"),
            "{\"a\": [1, 2 ], \"b\": \",}\" }"
        );
        assert!(lenient_json("{\"a\": 1,\n}").is_some());
        assert!(lenient_json("data: {}").is_none());
    }

    #[test]
    fn raw_strings_outgrow_their_content() {
        assert_eq!(raw("a"), "r#\"a\"#");
        assert_eq!(raw("\"#x"), "r##\"\"#x\"##");
    }
}
