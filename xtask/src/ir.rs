//! The generator's intermediate model: named types and operations, independent of YAML and
//! of Rust syntax. `emit` writes types from it; a later generator writes resource methods
//! from `operations` (params, body kind, response kind, streaming, pagination).

/// Index into [`Api::types`].
pub(crate) type TypeId = usize;

/// Everything the generator knows about the API.
#[derive(Debug)]
pub(crate) struct Api {
    pub(crate) types: Vec<TypeDef>,
    pub(crate) operations: Vec<Operation>,
    /// Module (resource group) names in output order; `shared` first.
    pub(crate) modules: Vec<String>,
}

/// A named Rust type.
#[derive(Debug)]
pub(crate) struct TypeDef {
    /// The Rust name (unique in the crate).
    pub(crate) name: String,
    /// The component schema it comes from (`None` for inline schemas and synthesized params).
    pub(crate) spec_name: Option<String>,
    /// The module (resource group) it is emitted in.
    pub(crate) module: String,
    pub(crate) doc: Option<String>,
    pub(crate) deprecated: bool,
    pub(crate) kind: TypeKind,
    /// A request body with required fields: no `Default`, strict about required fields.
    pub(crate) strict: bool,
    /// Reachable from a request body or params: gets chainable setters.
    pub(crate) input: bool,
    /// Reachable from an operation's response (a JSON body or a stream event): keeps the
    /// request id (`request_id()`, `ResponseMeta`). Types only sent, and event types that
    /// arrive outside an HTTP response (webhooks, the realtime socket), do not.
    pub(crate) output: bool,
}

#[derive(Debug)]
pub(crate) enum TypeKind {
    Struct(Vec<Field>),
    /// An open string enum: known values, and the spec default if it has one.
    Enum {
        values: Vec<String>,
        default: Option<String>,
    },
    Union(Union),
    Alias(Ty),
}

/// A property of a struct.
#[derive(Debug)]
pub(crate) struct Field {
    /// The JSON name.
    pub(crate) wire: String,
    /// The Rust field name (a raw identifier for keywords).
    pub(crate) ident: String,
    pub(crate) ty: Ty,
    pub(crate) required: bool,
    pub(crate) nullable: bool,
    /// The single value of a constant field (`object: "list"`); then `ty` is `String`.
    pub(crate) constant: Option<String>,
    pub(crate) doc: Option<String>,
    pub(crate) deprecated: bool,
    /// Boxed to break a cycle of directly contained types.
    pub(crate) boxed: bool,
    /// A hand-picked Rust type in place of the one `ty` gives (`lower/overrides.rs`);
    /// `ty` still describes the spec's shape.
    pub(crate) custom: Option<Custom>,
    /// A query parameter of the operation this struct is the body of: set like the
    /// other fields, sent in the query string, left out of the body.
    pub(crate) query: bool,
}

/// A field type from the override table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Custom {
    /// The Rust type as declared (`Vec<f32>`).
    pub(crate) rust: &'static str,
    /// The `crate::support` type the struct visitor reads the field through; it has an
    /// `into_inner` giving the Rust type, which serializes itself.
    pub(crate) reader: &'static str,
}

/// A field type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    String,
    Integer,
    Number,
    Bool,
    /// Any JSON value.
    Any,
    /// A free-form JSON object.
    Object,
    /// File bytes (`format: binary`), sent as a multipart part.
    Binary,
    Named(TypeId),
    Array(Box<Ty>),
    Map(Box<Ty>),
}

#[derive(Debug)]
pub(crate) struct Union {
    /// The tag property, when variants carry distinct constants in it.
    pub(crate) tag: Option<String>,
    pub(crate) variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub(crate) name: String,
    pub(crate) payload: Payload,
    /// Tag values that select this variant.
    pub(crate) tags: Vec<String>,
    pub(crate) doc: Option<String>,
    pub(crate) deprecated: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Payload {
    Ty(Ty),
    /// A single string value (`"auto"`), a unit variant.
    Const(String),
}

/// One HTTP operation.
#[derive(Debug)]
pub(crate) struct Operation {
    pub(crate) id: String,
    pub(crate) method: String,
    /// The path as in the spec (may carry `?beta=true`).
    pub(crate) path: String,
    pub(crate) group: String,
    pub(crate) python: Option<PythonMethod>,
    pub(crate) summary: Option<String>,
    pub(crate) deprecated: bool,
    /// Requires the admin key (`AdminApiKeyAuth`).
    pub(crate) admin: bool,
    pub(crate) params: Vec<Param>,
    /// The `<Resource><Method>Params` type: the body type, or a struct of the query params.
    pub(crate) params_type: Option<TypeId>,
    pub(crate) request_bodies: Vec<Body>,
    pub(crate) responses: Vec<Body>,
    /// The element type of `text/event-stream` responses.
    pub(crate) stream: Option<Ty>,
    pub(crate) pagination: Pagination,
}

/// The Python SDK method serving an operation (`xtask/operations.tsv`).
#[derive(Debug, Clone)]
pub(crate) struct PythonMethod {
    /// Dotted resource path below the client (`beta.threads.runs`).
    pub(crate) resource: String,
    pub(crate) method: String,
    pub(crate) deprecated: bool,
}

#[derive(Debug)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) location: ParamLocation,
    pub(crate) ty: Ty,
    pub(crate) required: bool,
    pub(crate) doc: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamLocation {
    Path,
    Query,
    Header,
}

/// A request or response body for one content type.
#[derive(Debug)]
pub(crate) struct Body {
    pub(crate) status: Option<String>,
    pub(crate) content_type: String,
    pub(crate) kind: BodyKind,
    pub(crate) ty: Option<Ty>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Json,
    Multipart,
    EventStream,
    /// Bytes (audio, video, zip, sdp, ...).
    Binary,
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pagination {
    None,
    Page,
    CursorPage,
    ConversationCursorPage,
    NextCursorPage,
}

/// One line per operation: what a resource generator reads from the model.
pub(crate) fn dump_operations(api: &Api) -> String {
    use std::fmt::Write as _;
    let ty = |t: &Option<Ty>| match t {
        Some(Ty::Named(id)) => api.types[*id].name.clone(),
        Some(other) => format!("{other:?}"),
        None => "-".to_owned(),
    };
    let mut out = String::new();
    for op in &api.operations {
        let python = op.python.as_ref().map_or("-".to_owned(), |p| {
            format!(
                "{}.{}{}",
                p.resource,
                p.method,
                if p.deprecated { " (deprecated)" } else { "" }
            )
        });
        let params = op
            .params_type
            .map_or("-".to_owned(), |id| api.types[id].name.clone());
        let path_params: Vec<&str> = op
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| p.name.as_str())
            .collect();
        let headers: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Header)
            .map(|p| format!("{}{}", p.name, if p.required { "*" } else { "" }))
            .collect();
        let query: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
            .map(|p| {
                format!(
                    "{}{}:{}{}",
                    p.name,
                    if p.required { "*" } else { "" },
                    ty(&Some(p.ty.clone())),
                    if p.doc.is_some() {
                        ""
                    } else {
                        " (undocumented)"
                    }
                )
            })
            .collect();
        let bodies: Vec<String> = op
            .request_bodies
            .iter()
            .map(|b| format!("{}={:?}:{}", b.content_type, b.kind, ty(&b.ty)))
            .collect();
        let responses: Vec<String> = op
            .responses
            .iter()
            .map(|b| {
                format!(
                    "{}:{:?}:{}",
                    b.status.as_deref().unwrap_or("?"),
                    b.kind,
                    ty(&b.ty)
                )
            })
            .collect();
        writeln!(
            out,
            "{} {} {} [{}] python={} params={} path={:?} query={:?} headers={:?} body={:?} responses={:?} stream={} pagination={:?}{}{}{}",
            op.id, op.method.to_uppercase(), op.path, op.group, python, params, path_params, query, headers, bodies, responses,
            ty(&op.stream), op.pagination,
            if op.admin { " admin" } else { "" },
            if op.deprecated { " deprecated" } else { "" },
            op.summary.as_deref().map_or(String::new(), |s| format!(" -- {}", s.lines().next().unwrap_or_default())),
        ).ok();
    }
    out
}
