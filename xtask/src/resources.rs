//! Intermediate model -> the resources of openai-core: one file per top-level
//! resource of the Python SDK (`chat.rs` holds `chat`, `chat.completions`,
//! `chat.completions.messages`), a test per operation against openai-mock
//! (`tests.rs`), and a call per operation for the conformance run against
//! Stoplight Prism (`conformance.rs`, run by `.ci/prism`).
//!
//! Each method is a few lines: a `static` `Endpoint` per operation, then
//! `Prepared::new(&ENDPOINT, &[path args])`, the params as query or JSON
//! body, and `Request::new` (or `Request::page`) with the decoder of the
//! response kind. Everything about sending lives in hand-written core code.

use std::collections::{BTreeMap, BTreeSet};

use crate::emit::feature_of;
use crate::ir::{Api, BodyKind, Operation, Pagination, ParamLocation, Ty, TypeKind};
use crate::names;

mod conformance;
mod emit;
mod sample;
mod tables;
mod tests;
mod websocket;

pub(crate) use conformance::emit_conformance;
pub(crate) use emit::emit;
use tables::{
    DISAGREEMENTS, EXTRA_METHODS, EXTRA_PAGINATION, JSON_NOT_MULTIPART, PYTHON_STREAMS,
    REQUEST_DEFAULTS,
};
pub(crate) use tests::{emit_tests, test_name};
pub(crate) use websocket::{emit_websocket, websocket_client_events};

/// A method to generate: an operation as one Python method.
#[derive(Debug)]
pub(crate) struct Method<'a> {
    pub(crate) op: &'a Operation,
    /// Dotted resource path (`beta.threads.runs`).
    pub(crate) resource: String,
    pub(crate) name: String,
    pub(crate) deprecated: bool,
    /// Python exposes the method (else it is one of `EXTRA_METHODS`).
    pub(crate) python: bool,
    pub(crate) response: Response,
    /// The element type of the `<name>_stream` variant.
    pub(crate) stream: Option<Ty>,
    pub(crate) body: Body,
}

/// What a method sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    None,
    /// The params are the query.
    Query,
    Json,
    Multipart,
}

/// What a method returns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Response {
    Json(Option<Ty>),
    Empty,
    Binary(&'static str),
    Text,
    Page(Pagination, Ty),
}

/// Every method, in the order of the Python table, then the extra ones.
pub(crate) fn methods<'a>(api: &'a Api, rows: &crate::names::Tables) -> Vec<Method<'a>> {
    let mut out = Vec::new();
    let by_id: BTreeMap<&str, &Operation> =
        api.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    for id in &rows.operation_order {
        let Some(op) = by_id.get(id.as_str()) else {
            continue;
        };
        for row in rows.operations.get(id).into_iter().flatten() {
            let pagination = match row.pagination.as_str() {
                "Page" => Pagination::Page,
                "CursorPage" => Pagination::CursorPage,
                "ConversationCursorPage" => Pagination::ConversationCursorPage,
                "NextCursorPage" => Pagination::NextCursorPage,
                _ => Pagination::None,
            };
            let text = row.method == "retrieve_content";
            out.push(method(
                api,
                op,
                &row.resource,
                &row.method,
                pagination,
                row.deprecated,
                true,
                text,
            ));
        }
    }
    for (id, resource, name) in EXTRA_METHODS {
        if let Some(op) = by_id.get(id) {
            let pagination = EXTRA_PAGINATION
                .iter()
                .find(|(i, _)| i == id)
                .map_or(Pagination::None, |(_, p)| *p);
            out.push(method(
                api, op, resource, name, pagination, false, false, false,
            ));
        }
    }
    out
}

#[allow(
    clippy::too_many_arguments,
    reason = "two call sites; the arguments are one table row"
)]
fn method<'a>(
    api: &Api,
    op: &'a Operation,
    resource: &str,
    name: &str,
    pagination: Pagination,
    deprecated: bool,
    python: bool,
    text: bool,
) -> Method<'a> {
    let multipart = op
        .request_bodies
        .first()
        .is_some_and(|b| b.kind == BodyKind::Multipart)
        && !JSON_NOT_MULTIPART.contains(&op.id.as_str());
    let body = if multipart {
        Body::Multipart
    } else if !op.request_bodies.is_empty() {
        Body::Json
    } else if op.params_type.is_some() {
        Body::Query
    } else {
        Body::None
    };
    let json_ty = op
        .responses
        .iter()
        .find(|b| b.kind == BodyKind::Json)
        .and_then(|b| b.ty.clone());
    let binary = match op.id.as_str() {
        "createSpeech" => Some("application/octet-stream"),
        "create-realtime-call" => Some("application/sdp"),
        "downloadFile" if !text => Some("application/binary"),
        "RetrieveContainerFileContent" => Some("application/binary"),
        _ if op.responses.iter().any(|b| b.kind == BodyKind::Binary) && !text => {
            Some("application/binary")
        }
        _ => None,
    };
    let response = if text {
        Response::Text
    } else if let Some(accept) = binary {
        Response::Binary(accept)
    } else if pagination != Pagination::None {
        let item = json_ty
            .as_ref()
            .and_then(|t| data_item(api, t))
            .unwrap_or(Ty::Any);
        Response::Page(pagination, item)
    } else if op.responses.iter().all(|b| b.kind == BodyKind::Empty) {
        Response::Empty
    } else {
        Response::Json(json_ty)
    };
    let stream_ty = op.stream.clone().or_else(|| {
        PYTHON_STREAMS
            .iter()
            .find(|(id, _)| *id == op.id)
            .and_then(|(_, schema)| {
                api.types
                    .iter()
                    .position(|t| t.spec_name.as_deref() == Some(schema))
                    .map(Ty::Named)
            })
    });
    // A stream variant needs a flag to set: `stream`, or for speech, whose
    // plain call answers with bytes, `stream_format` (Python leaves that to
    // the caller and returns the bytes; `create_stream` decodes the events).
    let stream = stream_ty.filter(|_| stream_flag(api, op, binary.is_some()).is_some());
    Method {
        op,
        resource: resource.to_owned(),
        name: name.to_owned(),
        deprecated: deprecated || (op.deprecated && python),
        python,
        response,
        stream,
        body,
    }
}

/// The request field an operation fills in when the caller left it out:
/// the field, the Rust value and the JSON value.
pub(crate) fn request_default(
    api: &Api,
    op: &Operation,
) -> Option<(&'static str, String, &'static str, &'static str)> {
    let (_, field, variant, json, note) = REQUEST_DEFAULTS.iter().find(|(id, ..)| *id == op.id)?;
    let ty = struct_field(api, op.params_type?, field)?;
    Some((
        field,
        format!("{}::{variant}", type_path(api, ty)),
        json,
        note,
    ))
}

/// How a stream variant asks for events: the params field it sets and the
/// value, as Rust (`stream` = `true`, or `stream_format` = its `sse` variant
/// for an operation whose plain answer is bytes).
pub(crate) fn stream_flag(
    api: &Api,
    op: &Operation,
    binary: bool,
) -> Option<(&'static str, String)> {
    let id = op.params_type?;
    if !binary {
        struct_field(api, id, "stream").map(|_| ("stream", "true".to_owned()))
    } else {
        let ty = struct_field(api, id, "stream_format")?;
        Some(("stream_format", format!("{}::Sse", type_path(api, ty))))
    }
}

/// Whether the params have a required `model` that reads as a string
/// (`String` or an open enum): an empty one is refused before sending.
fn model_check(api: &Api, op: &Operation) -> bool {
    let Some(id) = op.params_type else {
        return false;
    };
    let TypeKind::Struct(fields) = &api.types[id].kind else {
        return false;
    };
    fields.iter().any(|f| {
        f.wire == "model"
            && f.required
            && !f.nullable
            && match &f.ty {
                Ty::String => true,
                Ty::Named(t) => matches!(api.types[*t].kind, TypeKind::Enum { .. }),
                _ => false,
            }
    })
}

/// The fields of a multipart params type that hold files: `(wire, ident)`.
/// The event types of [`PYTHON_STREAMS`].
pub(crate) fn python_stream_types(api: &Api) -> Vec<usize> {
    PYTHON_STREAMS
        .iter()
        .filter_map(|(_, schema)| {
            api.types
                .iter()
                .position(|t| t.spec_name.as_deref() == Some(*schema))
        })
        .collect()
}

pub(crate) fn file_fields(api: &Api, op: &Operation) -> Vec<(String, String)> {
    file_fields_where(api, op, |_| true)
}

/// The required fields that are files themselves (not unions), which any
/// params value sends: what the generated tests expect a part for.
pub(crate) fn required_file_fields(api: &Api, op: &Operation) -> Vec<String> {
    file_fields_where(api, op, |f| f.required && f.ty == Ty::Binary)
        .into_iter()
        .map(|(w, _)| w)
        .collect()
}

fn file_fields_where(
    api: &Api,
    op: &Operation,
    keep: impl Fn(&crate::ir::Field) -> bool,
) -> Vec<(String, String)> {
    let Some(id) = op.params_type else {
        return Vec::new();
    };
    let TypeKind::Struct(fields) = &api.types[id].kind else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|f| holds_file(api, &f.ty) && keep(f))
        .map(|f| (f.wire.clone(), f.ident.clone()))
        .collect()
}

/// Whether a type is a file, a list of files, or a union with such a variant.
fn holds_file(api: &Api, ty: &Ty) -> bool {
    match ty {
        Ty::Binary => true,
        Ty::Array(inner) => holds_file(api, inner),
        Ty::Named(id) => match &api.types[*id].kind {
            TypeKind::Union(u) => u.variants.iter().any(|v| match &v.payload {
                crate::ir::Payload::Ty(t) => holds_file(api, t),
                crate::ir::Payload::Const(_) => false,
            }),
            TypeKind::Alias(t) => holds_file(api, t),
            _ => false,
        },
        _ => false,
    }
}

/// The element type of a list response's `data` array.
fn data_item(api: &Api, ty: &Ty) -> Option<Ty> {
    let Ty::Named(id) = ty else { return None };
    match struct_field(api, *id, "data")? {
        Ty::Array(inner) => Some((**inner).clone()),
        _ => None,
    }
}

/// The type of field `wire` of struct `id`.
pub(crate) fn struct_field<'a>(api: &'a Api, id: usize, wire: &str) -> Option<&'a Ty> {
    match &api.types[id].kind {
        TypeKind::Struct(fields) => fields.iter().find(|f| f.wire == wire).map(|f| &f.ty),
        _ => None,
    }
}

/// The public path of a generated type in openai-types (`types::beta::threads::Run`).
pub(crate) fn type_path(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::String => "String".to_owned(),
        Ty::Integer => "i64".to_owned(),
        Ty::Number => "f64".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::Binary => "Vec<u8>".to_owned(),
        Ty::Any => "serde_json::Value".to_owned(),
        Ty::Object => "serde_json::Map<String, serde_json::Value>".to_owned(),
        Ty::Array(inner) => format!("Vec<{}>", type_path(api, inner)),
        Ty::Map(inner) => format!(
            "std::collections::BTreeMap<String, {}>",
            type_path(api, inner)
        ),
        Ty::Named(id) => {
            let t = &api.types[*id];
            format!("{}::{}", module_path(&t.module), t.name)
        }
    }
}

/// Where openai-types re-exports a module's types (see its `lib.rs`).
fn module_path(module: &str) -> String {
    match module {
        "shared" | "batches" | "completions" | "content_provenance" | "embeddings" | "files"
        | "images" | "models" | "moderations" | "uploads" | "vector_stores" => "types".to_owned(),
        "assistants" => "types::beta".to_owned(),
        "threads" => "types::beta::threads".to_owned(),
        "beta_responses" => "types::beta::responses".to_owned(),
        "chatkit" => "types::beta::chatkit".to_owned(),
        other => format!("types::{other}"),
    }
}

/// The features a method needs: its group's and those of every type it names.
pub(crate) fn features(api: &Api, m: &Method<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    out.extend(feature_of(&m.op.group));
    let mut tys: Vec<&Ty> = Vec::new();
    if let Response::Json(Some(t)) | Response::Page(_, t) = &m.response {
        tys.push(t);
    }
    tys.extend(m.stream.as_ref());
    let params = m.op.params_type.map(Ty::Named);
    tys.extend(params.as_ref());
    for t in tys {
        ty_features(api, t, &mut out);
    }
    out
}

fn ty_features(api: &Api, ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Named(id) => out.extend(feature_of(&api.types[*id].module)),
        Ty::Array(inner) | Ty::Map(inner) => ty_features(api, inner, out),
        _ => {}
    }
}

/// `#[cfg(...)]` for a set of features (empty: always on).
pub(crate) fn cfg(features: &BTreeSet<String>, any: bool) -> String {
    let parts: Vec<String> = features
        .iter()
        .map(|f| format!("feature = \"{f}\""))
        .collect();
    match parts.len() {
        0 => String::new(),
        1 => format!("#[cfg({})]\n", parts[0]),
        _ => format!(
            "#[cfg({}({}))]\n",
            if any { "any" } else { "all" },
            parts.join(", ")
        ),
    }
}

/// The Rust name of a method's params argument and path arguments.
pub(crate) fn path_params(op: &Operation) -> Vec<(String, String)> {
    let mut params: Vec<(usize, String, String)> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| {
            let pos = op
                .path
                .find(&format!("{{{}}}", p.name))
                .unwrap_or(usize::MAX);
            (pos, p.name.clone(), names::snake(&p.name))
        })
        .collect();
    params.sort();
    params.into_iter().map(|(_, w, r)| (w, r)).collect()
}

/// Methods whose `<name>_stream` the Python SDK gives to a hand-written
/// helper (the Assistants stream helpers of reference/streaming.md (d)):
/// their plain stream variant is `<name>_raw_stream`.
const HELPER_STREAM_NAMES: &[(&str, &str)] = &[
    ("beta.threads", "create_and_run"),
    ("beta.threads.runs", "submit_tool_outputs"),
];

/// The name of the stream variant of a method (`create` -> `create_stream`;
/// `create_and_run` -> `create_and_run_raw_stream`, its `_stream` name
/// being the helper's).
pub(crate) fn stream_name(m: &Method<'_>) -> String {
    let name = &m.name;
    if HELPER_STREAM_NAMES.contains(&(m.resource.as_str(), name.as_str())) {
        format!("{name}_raw_stream")
    } else {
        format!("{name}_stream")
    }
}

/// How generated code reaches a method from a client: the accessor chain
/// (`.beta().threads().runs()`) and the method's name (`create_stream` for
/// the stream variant).
pub(crate) fn call_path(m: &Method<'_>, stream: bool) -> (String, String) {
    let chain = m
        .resource
        .split('.')
        .map(|s| format!(".{}()", rust_ident(s)))
        .collect();
    let method = if stream {
        stream_name(m)
    } else {
        rust_ident(&m.name)
    };
    (chain, method)
}

pub(crate) fn rust_ident(s: &str) -> String {
    names::snake(s)
}

fn beta_header(resource: &str) -> Option<&'static str> {
    let assistants = ["beta.assistants", "beta.threads", "vector_stores"];
    if assistants
        .iter()
        .any(|p| resource == *p || resource.starts_with(&format!("{p}.")))
        || resource == "beta.realtime.sessions"
        || resource == "beta.realtime.transcription_sessions"
    {
        return Some("assistants=v2");
    }
    if resource.starts_with("beta.chatkit.") {
        return Some("chatkit_beta=v1");
    }
    None
}

pub(crate) fn endpoint_const(id: &str) -> String {
    names::snake(id)
        .trim_start_matches("r#")
        .to_uppercase()
        .replace("__", "_")
}

/// The Rust return type of a method.
pub(crate) fn return_type(api: &Api, m: &Method<'_>, stream: bool) -> String {
    if stream {
        let item = m
            .stream
            .as_ref()
            .map_or("serde_json::Value".to_owned(), |t| type_path(api, t));
        return format!("Stream<{item}>");
    }
    match &m.response {
        Response::Json(Some(t)) => type_path(api, t),
        Response::Json(None) => "serde_json::Value".to_owned(),
        Response::Empty => "()".to_owned(),
        Response::Binary(_) => "Binary".to_owned(),
        Response::Text => "String".to_owned(),
        Response::Page(kind, item) => {
            format!("{}<{}>", page_name(*kind), type_path(api, item))
        }
    }
}

fn page_name(kind: Pagination) -> &'static str {
    match kind {
        Pagination::Page | Pagination::None => "Page",
        Pagination::CursorPage => "CursorPage",
        Pagination::ConversationCursorPage => "ConversationCursorPage",
        Pagination::NextCursorPage => "NextCursorPage",
    }
}
