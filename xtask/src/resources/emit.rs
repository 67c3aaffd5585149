//! The generated files of openai-core's `src/generated/`: the resource tree,
//! its structs and accessors, the endpoint statics and the methods.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{
    Body, DISAGREEMENTS, Method, Response, beta_header, cfg, endpoint_const, feature_of, features,
    file_fields, holds_file, model_check, path_params, return_type, rust_ident, stream_name,
    type_path,
};
use crate::docs::write_doc;
use crate::emit::HEADER;
use crate::ir::{Api, ParamLocation, Ty, TypeKind};
use crate::names;

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
    module.push_str(
        "\n/// The blocking client's resources (`blocking` feature): the same tree, each\n/// method wrapping its async twin.\n#[cfg(feature = \"blocking\")]\npub(crate) mod blocking;\n",
    );
    module.push_str(
        "\n/// The typed shortcuts of the WebSocket connections (`websocket` feature).\n#[cfg(feature = \"websocket\")]\npub(crate) mod websocket;\n",
    );
    module.push_str(
        "\n/// Every type a response decodes into, for the fuzz targets (`fuzzing` feature).\n#[cfg(feature = \"fuzzing\")]\npub(crate) mod response_types;\n",
    );
    files.insert("mod.rs".to_owned(), module);
    files.insert("blocking.rs".to_owned(), emit_blocking(api, &root));
    files.insert(
        "response_types.rs".to_owned(),
        emit_response_types(api, methods),
    );
    files
}

/// `response_types.rs`: every distinct type an operation's JSON body, page
/// or stream event decodes into, each with the decoder of the fuzz targets
/// (`crate::__fuzz::decoder`), so a new operation is fuzzed without a
/// hand-written list. Built only with the `fuzzing` feature (which turns
/// every resource group on).
fn emit_response_types(api: &Api, methods: &[Method<'_>]) -> String {
    let mut seen = BTreeSet::new();
    let mut list = String::new();
    for m in methods {
        let mut tys = Vec::new();
        if matches!(m.response, Response::Json(_) | Response::Page(..)) {
            tys.push(return_type(api, m, false));
        }
        if let Some(item) = &m.stream {
            tys.push(type_path(api, item));
        }
        for ty in tys {
            if seen.insert(ty.clone()) {
                writeln!(list, "    ({ty:?}, crate::__fuzz::decoder::<{ty}>),").ok();
            }
        }
    }
    let mut out = String::from(HEADER);
    out.push_str(
        "//! Every type a response body, a page or a stream event decodes into: the\n\
         //! response decoders' fuzz target (`openai_core::__fuzz`) runs each of them.\n\n\
         #![allow(deprecated, reason = \"deprecated operations still return their types\")]\n\n\
         use crate::pagination::{ConversationCursorPage, CursorPage, NextCursorPage, Page};\n\
         use crate::types;\n\n",
    );
    writeln!(
        out,
        "/// `(type, decoder)` for each of the {} types, in the order of the operations.\npub(crate) const RESPONSE_TYPES: &[(&str, crate::__fuzz::ResponseDecoder)] = &[\n{list}];",
        seen.len()
    )
    .ok();
    out
}

/// `blocking.rs`: for every resource, a struct over the blocking client
/// whose methods build the async request and wrap it (`Request`,
/// `StreamRequest`, `PageRequest`, `BinaryRequest` of `crate::blocking`).
fn emit_blocking(api: &Api, root: &Node<'_, '_>) -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "//! The blocking client's resources, generated with the async ones by\n\
         //! `cargo xtask codegen`: the same tree and names, each method building\n\
         //! the async request and handing it to the blocking client's runtime.\n\n\
         #![allow(unused_imports, reason = \"each resource imports what any feature set may use\")]\n\
         #![allow(deprecated, reason = \"deprecated resources still serve their (deprecated) types\")]\n\
         #![allow(clippy::needless_lifetimes, reason = \"generated\")]\n\n",
    );
    let mut accessors = String::new();
    for (name, node) in &root.children {
        let gate = node.gate();
        let ty = names::pascal(name);
        writeln!(
            accessors,
            "    /// `client.{name}()`.\n{gate_i}    pub fn {ident}(&self) -> {ident}::{ty}<'_> {{\n        {ident}::{ty} {{ client: self }}\n    }}\n",
            gate_i = indent(&gate, "    "),
            ident = rust_ident(name),
        )
        .ok();
        writeln!(
            out,
            "{gate}pub mod {} {{\n    //! `client.{name}()`.\n",
            rust_ident(name)
        )
        .ok();
        let mut inner = String::new();
        emit_blocking_node(api, &mut inner, name, name, node);
        out.push_str(&inner);
        out.push_str("}\n\n");
    }
    writeln!(
        out,
        "impl crate::blocking::Client {{\n{}}}",
        accessors.trim_end_matches('\n')
    )
    .ok();
    out
}

fn emit_blocking_node(api: &Api, out: &mut String, name: &str, dotted: &str, node: &Node<'_, '_>) {
    let ty = names::pascal(name);
    let chain: String = dotted
        .split('.')
        .map(|s| format!(".{}()", rust_ident(s)))
        .collect();
    out.push_str(
        "use crate::blocking::{BinaryRequest, Client, PageRequest, Request, StreamRequest};\n\
         use crate::pagination::{ConversationCursorPage, CursorPage, NextCursorPage, Page};\n\
         use crate::{Binary, Stream, types};\n\n",
    );
    writeln!(
        out,
        "/// Blocking `client{chain}`: the `{dotted}` resource of the Python SDK.\n#[derive(Debug, Clone, Copy)]\npub struct {ty}<'a> {{\n    pub(crate) client: &'a Client,\n}}\n\nimpl<'a> {ty}<'a> {{"
    )
    .ok();
    for (child, cnode) in &node.children {
        let gate = indent(&cnode.gate(), "    ");
        writeln!(
            out,
            "    /// `client{chain}.{c}()`.\n{gate}    pub fn {c}(&self) -> {c}::{cty}<'a> {{\n        {c}::{cty} {{ client: self.client }}\n    }}\n",
            c = rust_ident(child),
            cty = names::pascal(child),
        )
        .ok();
    }
    for m in &node.methods {
        emit_blocking_method(api, out, m, &chain, false);
        if m.stream.is_some() {
            emit_blocking_method(api, out, m, &chain, true);
        }
    }
    out.push_str("}\n");
    for (child, cnode) in &node.children {
        writeln!(
            out,
            "\n{}pub mod {c} {{\n    //! Blocking `client{chain}.{c}()`.\n",
            cnode.gate(),
            c = rust_ident(child)
        )
        .ok();
        let mut inner = String::new();
        emit_blocking_node(api, &mut inner, child, &format!("{dotted}.{child}"), cnode);
        out.push_str(&inner);
        out.push_str("}\n");
    }
}

fn emit_blocking_method(api: &Api, out: &mut String, m: &Method<'_>, chain: &str, stream: bool) {
    let op = m.op;
    let name = if stream {
        stream_name(m)
    } else {
        rust_ident(&m.name)
    };
    let mut doc = String::new();
    if let Some(s) = &op.summary {
        doc.push_str(s.trim());
        doc.push_str("\n\n");
    }
    writeln!(
        doc,
        "`{} {}`{}, sent by `.send()`: the blocking form of the async client's `{name}`.",
        op.method.to_uppercase(),
        op.path,
        if stream { ", streamed" } else { "" },
    )
    .ok();
    doc.push_str("\n# Errors\n\nWhen sent: any error of the async call, and `Error::InvalidRequest` when called inside an async runtime.");
    write_doc(out, &doc, "    ");
    out.push_str(&indent(&cfg(&features(api, m), false), "    "));
    if m.deprecated {
        out.push_str("    #[deprecated(note = \"deprecated in the Python SDK\")]\n");
    }
    let mut args: Vec<String> = path_params(op)
        .iter()
        .map(|(_, r)| format!("{r}: &str"))
        .collect();
    let mut names: Vec<String> = path_params(op).into_iter().map(|(_, r)| r).collect();
    let params_ty = op.params_type.map(|id| type_path(api, &Ty::Named(id)));
    if let Some(p) = params_ty.filter(|_| m.body != Body::None) {
        args.push(format!("params: {p}"));
        names.push("params".to_owned());
    }
    let ret = return_type(api, m, stream);
    let (wrapper, ty) = if stream {
        let item = ret
            .strip_prefix("Stream<")
            .and_then(|r| r.strip_suffix('>'))
            .unwrap_or(&ret)
            .to_owned();
        ("StreamRequest", format!("StreamRequest<{item}>"))
    } else {
        match &m.response {
            Response::Page(..) => ("PageRequest", format!("PageRequest<{ret}>")),
            Response::Binary(_) => ("BinaryRequest", "BinaryRequest".to_owned()),
            _ => ("Request", format!("Request<{ret}>")),
        }
    };
    writeln!(
        out,
        "    pub fn {name}(&self, {}) -> {ty} {{\n        {wrapper}::new(self.client, self.client.inner(){chain}.{name}({}))\n    }}\n",
        args.join(", "),
        names.join(", ")
    )
    .ok();
}

fn indent(s: &str, by: &str) -> String {
    s.lines().map(|l| format!("{by}{l}\n")).collect()
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
         use crate::request::{Request, decode_binary, decode_empty, decode_json, decode_stream, decode_text};\n\
         use crate::{Binary, Stream, types};\nuse crate::pagination::{ConversationCursorPage, CursorPage, NextCursorPage, Page};\n\n",
    );
    writeln!(
        out,
        "/// `client{chain}`: the `{dotted}` resource of the Python SDK.\n#[derive(Debug, Clone, Copy)]\npub struct {ty}<'a> {{\n    pub(crate) client: &'a Client,\n}}\n"
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

fn emit_method(api: &Api, out: &mut String, m: &Method<'_>, stream: bool) {
    let op = m.op;
    let f = features(api, m);
    let name = if stream {
        stream_name(m)
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
    // The one header parameter of the spec (the `?beta=true` Responses
    // operations): Python's `betas` list, a per-call setter here.
    if op
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Header && p.name == "openai-beta")
    {
        doc.push_str(
            "\nPython's `betas` list is [`Request::betas`](crate::Request::betas) on the returned request: `.betas([\"responses_multi_agent=v1\"])` sends `openai-beta: responses_multi_agent=v1`.\n",
        );
    }
    let default = super::request_default(api, op);
    if let Some((_, _, _, note)) = &default {
        writeln!(doc, "\n{note}").ok();
    }
    let binary_stream = stream && matches!(m.response, Response::Binary(_));
    if let Some((_, note)) = DISAGREEMENTS
        .iter()
        .find(|(id, _)| *id == op.id)
        .filter(|_| !binary_stream)
    {
        writeln!(doc, "\n{note}").ok();
    }
    if binary_stream {
        doc.push_str(
            "\nSets `stream_format: \"sse\"` and decodes the events. The Python SDK has no such method: there the plain call returns the event stream's bytes.\n",
        );
    }
    if stream {
        doc.push_str(
            "\nAwaiting returns once the response head arrived; then poll the [`Stream`](crate::Stream).\n",
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
    let binary = matches!(m.response, Response::Binary(_));
    // The flag a stream variant sets; a `stream` flag is also cleared on the
    // plain call, a `stream_format` is left to the caller there.
    let flag = m
        .stream
        .as_ref()
        .and_then(|_| super::stream_flag(api, op, binary))
        .filter(|(field, _)| stream || *field == "stream");
    if let Some(p) = params_ty.as_ref().filter(|_| takes_params) {
        let mutable = if flag.is_some() || default.is_some() {
            "mut "
        } else {
            ""
        };
        args.push(format!("{mutable}params: {p}"));
    }
    let ret = return_type(api, m, stream);
    writeln!(
        out,
        "    pub fn {name}(&self, {}) -> Request<{ret}> {{",
        args.join(", ")
    )
    .ok();
    if let Some((field, value, _, _)) = &default {
        writeln!(
            out,
            "        if params.{field}.is_absent() {{\n            params.{field} = types::Nullable::Value({value});\n        }}"
        )
        .ok();
    }
    if let Some((field, value)) = &flag {
        if stream {
            writeln!(
                out,
                "        params.{field} = types::Nullable::Value({value});"
            )
            .ok();
        } else {
            writeln!(out, "        params.{field} = types::Nullable::Absent;").ok();
        }
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
            Body::Json => {
                prepared.push_str(".and_then(|p| p.json(&params))");
                // Query parameters beside the body (`lower::add_query_fields`).
                let query: Vec<String> = op
                    .params_type
                    .and_then(|id| match &api.types[id].kind {
                        TypeKind::Struct(fields) => Some(fields),
                        _ => None,
                    })
                    .into_iter()
                    .flatten()
                    .filter(|f| f.query)
                    .map(|f| format!("{:?}: &params.{}", f.wire, f.ident))
                    .collect();
                if !query.is_empty() {
                    write!(
                        prepared,
                        ".and_then(|p| p.query(&serde_json::json!({{ {} }})))",
                        query.join(", ")
                    )
                    .ok();
                }
            }
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
    if stream && binary {
        prepared.push_str(".map(|p| p.accept(\"text/event-stream\"))");
    }
    if stream || binary {
        prepared.push_str(".map(Prepared::streaming)");
    }
    let call = if stream {
        format!("Request::new(self.client, {prepared}, decode_stream)")
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
