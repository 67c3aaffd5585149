//! Intermediate model -> the resources of openai-core: one file per top-level
//! resource of the Python SDK (`chat.rs` holds `chat`, `chat.completions`,
//! `chat.completions.messages`), and a test per operation against openai-mock.
//!
//! Each method is a few lines: a `static` `Endpoint` per operation, then
//! `Prepared::new(&ENDPOINT, &[path args])`, the params as query or JSON
//! body, and `Request::new` (or `Request::page`) with the decoder of the
//! response kind. Everything about sending lives in hand-written core code.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::docs::write_doc;
use crate::emit::{HEADER, feature_of};
use crate::ir::{Api, BodyKind, Operation, Pagination, ParamLocation, Ty, TypeKind};
use crate::names;

mod sample;
mod tests;

pub(crate) use tests::emit_tests;

/// Spec operations the Python SDK does not expose, and where they live here.
const EXTRA_METHODS: &[(&str, &str, &str)] = &[
    ("createVoiceConsent", "audio.voice_consents", "create"),
    ("listVoiceConsents", "audio.voice_consents", "list"),
    ("getVoiceConsent", "audio.voice_consents", "retrieve"),
    ("updateVoiceConsent", "audio.voice_consents", "update"),
    ("deleteVoiceConsent", "audio.voice_consents", "delete"),
    ("createVoice", "audio.voices", "create"),
    (
        "create-realtime-translation-client-secret",
        "realtime.translations.client_secrets",
        "create",
    ),
];

/// Pagination of the extra list methods (the Python table has no row).
const EXTRA_PAGINATION: &[(&str, Pagination)] =
    &[("listVoiceConsents", Pagination::ConversationCursorPage)];

/// Operations the Python SDK streams although the spec declares no
/// `text/event-stream` answer, with the spec schema of each event.
const PYTHON_STREAMS: &[(&str, &str)] = &[
    ("createCompletion", "CreateCompletionResponse"),
    ("getResponse", "ResponseStreamEvent"),
    ("beta_getResponse", "BetaResponseStreamEvent"),
    ("createRun", "AssistantStreamEvent"),
    ("submitToolOuputsToRun", "AssistantStreamEvent"),
    ("createThreadAndRun", "AssistantStreamEvent"),
];

/// Where Python and the spec disagree (`api-surface.md`): what we follow.
const DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "createCompletion",
        "The spec declares a JSON answer only; like the Python SDK, `create_stream` streams it.",
    ),
    (
        "getResponse",
        "The spec declares a JSON answer only; like the Python SDK, `retrieve_stream` streams it.",
    ),
    (
        "beta_getResponse",
        "The spec declares a JSON answer only; like the Python SDK, `retrieve_stream` streams it.",
    ),
    (
        "createRun",
        "The spec declares a JSON answer only; like the Python SDK, `create_stream` streams it.",
    ),
    (
        "submitToolOuputsToRun",
        "The spec declares a JSON answer only; like the Python SDK, `submit_tool_outputs_stream` streams it.",
    ),
    (
        "createThreadAndRun",
        "The spec declares a JSON answer only; like the Python SDK, `create_and_run_stream` streams it.",
    ),
    (
        "downloadFile",
        "The spec types the answer as a JSON string; like the Python SDK, this sends `Accept: application/binary` and returns the bytes.",
    ),
    (
        "RetrieveContainerFileContent",
        "The spec declares no answer body; like the Python SDK, this returns the bytes.",
    ),
    (
        "CreateVideoRemix",
        "The spec also allows multipart; like the Python SDK, this sends JSON.",
    ),
    (
        "create-realtime-call",
        "The spec takes multipart or a raw SDP body; like the Python SDK, this sends JSON `{sdp, session}` with `Accept: application/sdp` and returns the SDP answer as bytes.",
    ),
    (
        "createSpeech",
        "The spec also declares an SSE answer (`stream_format: \"sse\"`); like the Python SDK, this returns the raw bytes.",
    ),
];

/// Operations sent as JSON although the spec offers multipart first.
const JSON_NOT_MULTIPART: &[&str] = &["CreateVideoRemix", "create-realtime-call"];

/// A method to generate: an operation as one Python method.
#[derive(Debug)]
pub(crate) struct Method<'a> {
    pub(crate) op: &'a Operation,
    /// Dotted resource path (`beta.threads.runs`).
    pub(crate) resource: String,
    pub(crate) name: String,
    pub(crate) deprecated: bool,
    /// Python exposes the method (else it is one of [`EXTRA_METHODS`]).
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
    // A stream variant needs a `stream` flag to set; speech streams through
    // `stream_format`, which the Python SDK leaves to the caller (bytes).
    let stream = stream_ty.filter(|_| {
        binary.is_none()
            && op
                .params_type
                .is_some_and(|id| struct_field(api, id, "stream").is_some())
    });
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

/// `FileParts` for the unions of files (`image` or `image[]`) of the
/// multipart params, so the upload methods can name any file field alike.
fn file_union_impls(api: &Api, methods: &[Method<'_>]) -> String {
    let mut ids = BTreeSet::new();
    for m in methods.iter().filter(|m| m.body == Body::Multipart) {
        let Some(pid) = m.op.params_type else {
            continue;
        };
        if let TypeKind::Struct(fields) = &api.types[pid].kind {
            for f in fields {
                if let Ty::Named(id) = &f.ty {
                    if matches!(api.types[*id].kind, TypeKind::Union(_)) && holds_file(api, &f.ty) {
                        ids.insert(*id);
                    }
                }
            }
        }
    }
    let mut out = String::new();
    for id in ids {
        let t = &api.types[id];
        let TypeKind::Union(u) = &t.kind else {
            continue;
        };
        let arms: Vec<String> = u
            .variants
            .iter()
            .filter(|v| matches!(&v.payload, crate::ir::Payload::Ty(ty) if holds_file(api, ty)))
            .map(|v| format!("Self::{}(v)", v.name))
            .collect();
        let mut features = BTreeSet::new();
        features.extend(feature_of(&t.module));
        let body = if arms.len() == 1 {
            format!(
                "if let {} = self {{\n            v.add_files(name, form);\n        }}",
                arms[0]
            )
        } else {
            let lines: Vec<String> = arms
                .iter()
                .map(|a| format!("            {a} => v.add_files(name, form),"))
                .collect();
            format!(
                "match self {{\n{}\n            _ => {{}}\n        }}",
                lines.join("\n")
            )
        };
        writeln!(
            out,
            "\n{}impl crate::multipart::FileParts for {} {{\n    fn add_files(&self, name: &str, form: &mut crate::multipart::Form) {{\n        {body}\n    }}\n}}",
            cfg(&features, false),
            type_path(api, &Ty::Named(id)).replacen("types::", "crate::types::", 1),
        )
        .ok();
    }
    out
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

/// The name of the stream variant of a method (`create` -> `create_stream`).
pub(crate) fn stream_name(name: &str) -> String {
    format!("{name}_stream")
}

/// A tree node: one resource (`beta.threads.runs`).
#[derive(Debug, Default)]
struct Node<'m, 'a> {
    children: BTreeMap<String, Node<'m, 'a>>,
    methods: Vec<&'m Method<'a>>,
}

impl Node<'_, '_> {
    /// The gate of the node: on when any method below it can be.
    fn gate(&self) -> String {
        cfg(&self.groups(), true)
    }

    fn groups(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for m in &self.methods {
            out.extend(feature_of(&m.op.group));
        }
        for c in self.children.values() {
            out.extend(c.groups());
        }
        out
    }
}

/// The generated files of openai-core's `src/generated/`.
pub(crate) fn emit(api: &Api, methods: &[Method<'_>]) -> BTreeMap<String, String> {
    let mut root: Node<'_, '_> = Node::default();
    for m in methods {
        let mut node = &mut root;
        for seg in m.resource.split('.') {
            node = node.children.entry(seg.to_owned()).or_default();
        }
        node.methods.push(m);
    }
    // Slots of the fixed paths, in method order.
    let mut slots: BTreeMap<String, usize> = BTreeMap::new();
    for m in methods {
        if !m.op.path.contains('{') {
            let n = slots.len();
            slots.entry(m.op.id.clone()).or_insert(n);
        }
    }
    let mut files = BTreeMap::new();
    let mut module = String::from(HEADER);
    module.push_str(
        "//! The resources of the API, generated from the OpenAPI spec and the Python SDK's\n\
         //! method table by `cargo xtask codegen`: one module per top-level resource, nested as\n\
         //! the Python SDK nests them. Each resource is behind the cargo feature of its group.\n\n",
    );
    writeln!(
        module,
        "/// How many endpoints have a path without parameters (each has a slot in the\n/// client's table of joined paths).\npub(crate) const FIXED_PATHS: usize = {};\n",
        slots.len()
    )
    .ok();
    let mut accessors = String::new();
    for (name, node) in &root.children {
        let gate = node.gate();
        writeln!(module, "{gate}pub mod {};", rust_ident(name)).ok();
        let ty = names::pascal(name);
        writeln!(
            accessors,
            "    /// `client.{name}()`.\n{gate_i}    pub fn {ident}(&self) -> {ident}::{ty}<'_> {{\n        {ident}::{ty}::new(self)\n    }}\n",
            gate_i = indent(&gate, "    "),
            ident = rust_ident(name),
        )
        .ok();
        let mut file = String::from(HEADER);
        writeln!(file, "//! `client.{name}()` and the resources below it.\n").ok();
        file.push_str(
            "#![allow(unused_imports, reason = \"each resource imports what any feature set may use\")]\n\
             #![allow(deprecated, reason = \"deprecated resources still serve their (deprecated) types\")]\n\n",
        );
        emit_node(api, &mut file, name, name, node, &slots);
        files.insert(format!("{}.rs", rust_ident(name)), file);
    }
    writeln!(
        module,
        "\nimpl crate::Client {{\n{}}}",
        accessors.trim_end_matches('\n')
    )
    .ok();
    module.push_str(&file_union_impls(api, methods));
    files.insert("mod.rs".to_owned(), module);
    files
}

fn indent(s: &str, by: &str) -> String {
    s.lines().map(|l| format!("{by}{l}\n")).collect()
}

pub(crate) fn rust_ident(s: &str) -> String {
    names::snake(s)
}

/// A resource struct and its methods; children as nested modules.
fn emit_node(
    api: &Api,
    out: &mut String,
    name: &str,
    dotted: &str,
    node: &Node<'_, '_>,
    slots: &BTreeMap<String, usize>,
) {
    let ty = names::pascal(name);
    let chain: String = dotted
        .split('.')
        .map(|s| format!(".{}()", rust_ident(s)))
        .collect();
    out.push_str(
        "use http::Method;\nuse openai_transport::auth::AuthScope;\n\n\
         use crate::Client;\nuse crate::endpoint::{Endpoint, Prepared};\n\
         use crate::request::{Request, decode_binary, decode_empty, decode_json, decode_stream, decode_stream_until_end, decode_text};\n\
         use crate::{Binary, Stream, types};\nuse crate::pagination::{ConversationCursorPage, CursorPage, NextCursorPage, Page};\n\n",
    );
    writeln!(
        out,
        "/// `client{chain}`: the `{dotted}` resource of the Python SDK.\n#[derive(Debug, Clone, Copy)]\npub struct {ty}<'a> {{\n    client: &'a Client,\n}}\n"
    )
    .ok();
    // Endpoints.
    let mut seen = BTreeSet::new();
    for m in &node.methods {
        if !seen.insert(m.op.id.clone()) {
            continue;
        }
        let f = features(api, m);
        let slot = slots
            .get(&m.op.id)
            .map_or("None".to_owned(), |s| format!("Some({s})"));
        let scope = if m.op.admin { "Admin" } else { "ApiKey" };
        let beta = beta_header(&m.resource).map_or("None".to_owned(), |b| format!("Some({b:?})"));
        let accept = match &m.response {
            Response::Empty => "Some(\"*/*\")".to_owned(),
            Response::Binary(a) => format!("Some({a:?})"),
            _ => "None".to_owned(),
        };
        writeln!(
            out,
            "{}static {}: Endpoint = Endpoint {{ method: Method::{}, path: {:?}, slot: {slot}, scope: AuthScope::{scope}, beta: {beta}, accept: {accept} }};",
            cfg(&f, false),
            endpoint_const(&m.op.id),
            m.op.method.to_uppercase(),
            m.op.path,
        )
        .ok();
    }
    writeln!(
        out,
        "\nimpl<'a> {ty}<'a> {{\n    pub(crate) fn new(client: &'a Client) -> Self {{\n        Self {{ client }}\n    }}\n"
    )
    .ok();
    for (child, cnode) in &node.children {
        let gate = indent(&cnode.gate(), "    ");
        writeln!(
            out,
            "    /// `client{chain}.{c}()`.\n{gate}    pub fn {c}(&self) -> {c}::{cty}<'a> {{\n        {c}::{cty}::new(self.client)\n    }}\n",
            c = rust_ident(child),
            cty = names::pascal(child),
        )
        .ok();
    }
    for m in &node.methods {
        emit_method(api, out, m, false);
        if m.stream.is_some() {
            emit_method(api, out, m, true);
        }
    }
    out.push_str("}\n");
    for (child, cnode) in &node.children {
        let gate = cnode.gate();
        writeln!(
            out,
            "\n{gate}pub mod {c} {{\n    //! `client{chain}.{c}()`.\n",
            c = rust_ident(child)
        )
        .ok();
        let mut inner = String::new();
        emit_node(
            api,
            &mut inner,
            child,
            &format!("{dotted}.{child}"),
            cnode,
            slots,
        );
        out.push_str(&inner);
        out.push_str("}\n");
    }
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

fn emit_method(api: &Api, out: &mut String, m: &Method<'_>, stream: bool) {
    let op = m.op;
    let f = features(api, m);
    let name = if stream {
        stream_name(&m.name)
    } else {
        rust_ident(&m.name)
    };
    // Docs.
    let mut doc = String::new();
    if let Some(s) = &op.summary {
        doc.push_str(s.trim());
        doc.push_str("\n\n");
    }
    writeln!(
        doc,
        "`{} {}`{}.",
        op.method.to_uppercase(),
        op.path,
        if stream {
            ", streamed as server-sent events"
        } else {
            ""
        }
    )
    .ok();
    if !m.python {
        doc.push_str("\nThe Python SDK has no method for this operation.\n");
    }
    if op.admin {
        doc.push_str(
            "\nAuthenticates with the admin API key (`admin_api_key`, `OPENAI_ADMIN_KEY`).\n",
        );
    }
    if let Some((_, note)) = DISAGREEMENTS.iter().find(|(id, _)| *id == op.id) {
        writeln!(doc, "\n{note}").ok();
    }
    if stream {
        doc.push_str(
            "\nAwaiting returns once the response head arrived; then poll the [`Stream`].\n",
        );
    }
    if path_params(op).is_empty() {
        doc.push_str("\n# Errors\n\nWhen awaited: any error of the call.");
    } else {
        doc.push_str(
            "\n# Errors\n\nWhen awaited: [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty path parameter (nothing is sent), and any error of the call.",
        );
    }
    write_doc(out, &doc, "    ");
    out.push_str(&indent(&cfg(&f, false), "    "));
    if m.deprecated {
        out.push_str("    #[deprecated(note = \"deprecated in the Python SDK\")]\n");
    }
    let mut args: Vec<String> = path_params(op)
        .iter()
        .map(|(_, r)| format!("{r}: &str"))
        .collect();
    let params_ty = op.params_type.map(|id| type_path(api, &Ty::Named(id)));
    let takes_params = m.body != Body::None && params_ty.is_some();
    if let Some(p) = params_ty.as_ref().filter(|_| takes_params) {
        let mutable = if m.stream.is_some() { "mut " } else { "" };
        args.push(format!("{mutable}params: {p}"));
    }
    let ret = return_type(api, m, stream);
    writeln!(
        out,
        "    pub fn {name}(&self, {}) -> Request<{ret}> {{",
        args.join(", ")
    )
    .ok();
    if m.stream.is_some() {
        let value = if stream {
            "types::Nullable::Value(true)"
        } else {
            "types::Nullable::Absent"
        };
        writeln!(out, "        params.stream = {value};").ok();
    }
    let path_args: Vec<String> = path_params(op).into_iter().map(|(_, r)| r).collect();
    let mut prepared = format!(
        "Prepared::new(&{}, &[{}])",
        endpoint_const(&op.id),
        path_args.join(", ")
    );
    if takes_params && model_check(api, op) {
        prepared.push_str(".and_then(|p| p.non_empty(\"model\", params.model.as_str()))");
    }
    if takes_params {
        match m.body {
            Body::Query => prepared.push_str(".and_then(|p| p.query(&params))"),
            Body::Json => prepared.push_str(".and_then(|p| p.json(&params))"),
            Body::Multipart => {
                let files: Vec<String> = file_fields(api, op)
                    .iter()
                    .map(|(wire, ident)| format!("({wire:?}, &params.{ident})"))
                    .collect();
                write!(
                    prepared,
                    ".and_then(|p| p.multipart(&params, &[{}]))",
                    files.join(", ")
                )
                .ok();
            }
            Body::None => {}
        }
    }
    let streaming = stream || matches!(m.response, Response::Binary(_));
    if streaming {
        prepared.push_str(".map(Prepared::streaming)");
    }
    let call = if stream {
        let done = matches!(op.id.as_str(), "createChatCompletion" | "createCompletion");
        let decode = if done {
            "decode_stream"
        } else {
            "decode_stream_until_end"
        };
        format!("Request::new(self.client, {prepared}, {decode})")
    } else {
        match &m.response {
            Response::Page(..) => format!("Request::page(self.client, {prepared})"),
            Response::Empty => format!("Request::new(self.client, {prepared}, decode_empty)"),
            Response::Binary(_) => format!("Request::new(self.client, {prepared}, decode_binary)"),
            Response::Text => format!("Request::new(self.client, {prepared}, decode_text)"),
            Response::Json(_) => format!("Request::new(self.client, {prepared}, decode_json)"),
        }
    };
    writeln!(out, "        {call}\n    }}\n").ok();
}
