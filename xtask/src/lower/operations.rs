//! Operations: parameters, bodies, responses, params types and their names.

use std::collections::{BTreeMap, BTreeSet};

use yaml_rust2::Yaml;

use crate::ir::{
    Body, BodyKind, Field, Operation, Pagination, Param, ParamLocation, PythonMethod, Ty, TypeDef,
    TypeId, TypeKind,
};
use crate::names::{self, Tables};
use crate::spec::Node;

use super::{Lower, METHODS, description};

impl<'a> Lower<'a> {
    // ----- operations -----

    #[allow(
        clippy::too_many_arguments,
        reason = "one call site; the arguments are the walk's context"
    )]
    pub(super) fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &'a Yaml,
        op: &'a Yaml,
        tables: &Tables,
        params_names: &BTreeMap<String, String>,
        body_types: &mut BTreeSet<TypeId>,
    ) -> Operation {
        let id = op.str_of("operationId").unwrap_or_default().to_owned();
        let rows = tables.operations.get(&id);
        let python = rows.and_then(|r| r.first()).map(|r| PythonMethod {
            resource: r.resource.clone(),
            method: r.method.clone(),
            deprecated: r.deprecated,
        });
        let pagination = match rows.and_then(|r| r.first()).map(|r| r.pagination.as_str()) {
            Some("Page") => Pagination::Page,
            Some("CursorPage") => Pagination::CursorPage,
            Some("ConversationCursorPage") => Pagination::ConversationCursorPage,
            Some("NextCursorPage") => Pagination::NextCursorPage,
            _ => Pagination::None,
        };
        let params_name = params_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("{}Params", names::pascal(&id)));
        self.current_root = usize::MAX;
        // Parameters.
        let mut params = Vec::new();
        let mut query_fields: Vec<(String, Ty, bool, &'a Yaml)> = Vec::new();
        for p in item.list("parameters").iter().chain(op.list("parameters")) {
            let name = p.str_of("name").unwrap_or_default().to_owned();
            let location = match p.str_of("in") {
                Some("path") => ParamLocation::Path,
                Some("header") => ParamLocation::Header,
                _ => ParamLocation::Query,
            };
            let required = p.bool_of("required") || location == ParamLocation::Path;
            let schema = p.get("schema");
            let ty = match schema {
                Some(s) => self.ty_of(s, &params_name, name.trim_end_matches("[]")),
                None => Ty::String,
            };
            if location == ParamLocation::Query && schema.is_some() {
                query_fields.push((name.clone(), ty.clone(), required, p));
            }
            params.push(Param {
                name,
                location,
                ty,
                required,
                doc: self.param_doc(p),
            });
        }
        // Request bodies.
        let mut request_bodies = Vec::new();
        if let Some(content) = op.get("requestBody").and_then(|b| b.get("content")) {
            for (ct, media) in content.entries() {
                let kind = body_kind(&ct);
                let ty = media.get("schema").map(|s| {
                    if s.get("$ref").is_some() {
                        self.ty_of(s, "", "")
                    } else if self.is_object_like(s) || s.get("type").is_some() {
                        Ty::Named(self.new_type(&params_name, s))
                    } else {
                        self.ty_of(s, &params_name, "")
                    }
                });
                if let Some(Ty::Named(t)) = &ty {
                    body_types.insert(*t);
                }
                request_bodies.push(Body {
                    status: None,
                    content_type: ct,
                    kind,
                    ty,
                });
            }
        }
        let mut params_type = request_bodies.iter().find_map(|b| match &b.ty {
            Some(Ty::Named(t)) => Some(*t),
            _ => None,
        });
        if params_type.is_none() && !query_fields.is_empty() {
            params_type = Some(self.query_params_type(&params_name, &query_fields));
        }
        // Responses.
        let mut responses = Vec::new();
        let mut stream = None;
        let response_name = python.as_ref().map_or_else(
            || format!("{}Response", names::pascal(&id)),
            |p| {
                format!(
                    "{}{}Response",
                    names::params_resource_candidates(&p.resource)
                        .first()
                        .cloned()
                        .unwrap_or_default(),
                    names::pascal(&p.method)
                )
            },
        );
        for (status, resp) in op.get("responses").map(Node::entries).unwrap_or_default() {
            if !status.starts_with('2') {
                continue;
            }
            let content = resp.get("content").map(Node::entries).unwrap_or_default();
            if content.is_empty() {
                responses.push(Body {
                    status: Some(status.clone()),
                    content_type: String::new(),
                    kind: BodyKind::Empty,
                    ty: None,
                });
            }
            for (ct, media) in content {
                let kind = body_kind(&ct);
                let ty = media.get("schema").map(|s| {
                    if s.get("$ref").is_none()
                        && (self.is_object_like(s) || self.members(s).len() > 1)
                    {
                        Ty::Named(self.new_type(&response_name, s))
                    } else {
                        self.ty_of(s, &response_name, "")
                    }
                });
                if kind == BodyKind::EventStream {
                    stream = ty.clone();
                }
                let kind =
                    if kind == BodyKind::Json && ty == Some(Ty::String) && ct != "application/json"
                    {
                        BodyKind::Binary
                    } else {
                        kind
                    };
                responses.push(Body {
                    status: Some(status.clone()),
                    content_type: ct,
                    kind,
                    ty,
                });
            }
        }
        let admin = op
            .list("security")
            .iter()
            .any(|s| s.get("AdminApiKeyAuth").is_some())
            || path.starts_with("/organization")
            || path.starts_with("/projects");
        Operation {
            id,
            method: method.to_owned(),
            path: path.to_owned(),
            group: names::group_of_path(path),
            python,
            summary: op.str_of("summary").map(str::to_owned),
            deprecated: op.bool_of("deprecated"),
            admin,
            params,
            params_type,
            request_bodies,
            responses,
            stream,
            pagination,
        }
    }

    /// The query parameters of an operation that also takes a JSON body become
    /// fields of the body's params type, marked `query` (Python takes them as
    /// keyword arguments beside the body's).
    pub(super) fn add_query_fields(&mut self, op: &Operation) {
        let Some(id) = op.params_type else {
            return;
        };
        if op.request_bodies.is_empty() {
            return;
        }
        let TypeKind::Struct(fields) = &mut self.types[id].kind else {
            return;
        };
        for p in op
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
        {
            let wire = p.name.trim_end_matches("[]");
            if fields.iter().any(|f| f.wire == wire) {
                continue;
            }
            let mut ident = names::snake(wire);
            let base = ident.clone();
            let mut n = 2;
            while fields.iter().any(|f| f.ident == ident) {
                ident = format!("{base}_{n}");
                n += 1;
            }
            let doc = match &p.doc {
                Some(doc) => format!("{doc}\n\nSent in the query string, not in the body."),
                None => "Sent in the query string, not in the body.".to_owned(),
            };
            fields.push(Field {
                wire: wire.to_owned(),
                ident,
                ty: p.ty.clone(),
                required: false,
                nullable: false,
                constant: None,
                doc: Some(doc),
                deprecated: false,
                boxed: false,
                custom: None,
                query: true,
            });
        }
    }

    /// The description of a parameter, or else that of its schema.
    fn param_doc(&self, param: &'a Yaml) -> Option<String> {
        description(param).or_else(|| self.field_doc(param.get("schema")?, 0))
    }

    /// `<Resource><Method>Params` of an operation without a body: its query parameters.
    pub(super) fn query_params_type(
        &mut self,
        name: &str,
        query: &[(String, Ty, bool, &'a Yaml)],
    ) -> TypeId {
        let mut unique = name.to_owned();
        let mut n = 2;
        while self.taken.contains(&unique) {
            unique = format!("{name}{n}");
            n += 1;
        }
        self.taken.insert(unique.clone());
        let mut fields = Vec::new();
        let mut idents = BTreeSet::new();
        for (wire, ty, required, param) in query {
            let prop = wire.trim_end_matches("[]");
            let mut ident = names::snake(prop);
            let base = ident.clone();
            let mut k = 2;
            while !idents.insert(ident.clone()) {
                ident = format!("{base}_{k}");
                k += 1;
            }
            fields.push(Field {
                wire: prop.to_owned(),
                ident,
                ty: ty.clone(),
                required: *required,
                nullable: false,
                constant: None,
                doc: self.param_doc(param),
                deprecated: param.bool_of("deprecated")
                    || param.get("schema").is_some_and(|s| s.bool_of("deprecated")),
                boxed: false,
                custom: None,
                query: false,
            });
        }
        let id = self.types.len();
        self.types.push(TypeDef {
            name: unique,
            spec_name: None,
            module: String::new(),
            doc: Some("Query parameters of the operation.".to_owned()),
            deprecated: false,
            kind: TypeKind::Struct(fields),
            strict: false,
            input: true,
            output: false,
        });
        id
    }
}

fn body_kind(content_type: &str) -> BodyKind {
    match content_type {
        "application/json" => BodyKind::Json,
        "multipart/form-data" => BodyKind::Multipart,
        "text/event-stream" => BodyKind::EventStream,
        _ => BodyKind::Binary,
    }
}

/// `<Resource><Method>Params` for every operation the Python SDK serves (first-come on clashes).
pub(super) fn params_names(doc: &Yaml, tables: &Tables) -> BTreeMap<String, String> {
    let _ = doc;
    let mut out = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for op in &tables.operation_order {
        let Some(row) = tables.operations.get(op).and_then(|r| r.first()) else {
            continue;
        };
        let method = names::pascal(&row.method);
        for res in names::params_resource_candidates(&row.resource) {
            let name = format!("{res}{method}Params");
            if taken.insert(name.clone()) {
                out.insert(op.clone(), name);
                break;
            }
        }
    }
    out
}

/// Component schemas that are the request body of exactly one operation take its params name.
pub(super) fn request_body_renames(
    doc: &Yaml,
    params_names: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(paths) = doc.get("paths") {
        for (_, item) in paths.entries() {
            for (method, op) in item.entries() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let id = op.str_of("operationId").unwrap_or_default().to_owned();
                if let Some(content) = op.get("requestBody").and_then(|b| b.get("content")) {
                    for (_, media) in content.entries() {
                        if let Some(r) = media
                            .get("schema")
                            .and_then(|s| s.str_of("$ref"))
                            .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        {
                            users.entry(r.to_owned()).or_default().insert(id.clone());
                        }
                    }
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    let mut used = BTreeSet::new();
    for (schema, ops) in users {
        if ops.len() != 1 {
            continue;
        }
        let op = ops.iter().next().cloned().unwrap_or_default();
        if let Some(name) = params_names.get(&op) {
            if used.insert(name.clone()) {
                out.insert(schema, name.clone());
            }
        }
    }
    out
}
