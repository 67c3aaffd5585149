//! Sample JSON values built from the schema model: the smallest value a type
//! accepts (required fields only; the first enum value; the first union
//! variant), for the generated per-operation tests; and the variant the
//! conformance calls send to a mock that validates requests.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::ir::{Api, Field, Payload, Ty, TypeKind};

/// Deeper than this, objects are `{}`: the types accept a missing field.
const MAX_DEPTH: usize = 6;

/// Sample JSON text of `ty`.
pub(crate) fn sample(api: &Api, ty: &Ty) -> String {
    let ctx = Ctx {
        api,
        conformance: None,
        max_depth: MAX_DEPTH,
    };
    let mut out = String::new();
    ctx.write(ty, 0, &mut out);
    out
}

/// Fields a schema requires beyond its own `required` list: spec schema
/// name -> the first alternative of an `anyOf`/`oneOf` of `required` lists
/// (`file_ids` or `files` of a vector store file batch).
pub(crate) type ExtraRequired = BTreeMap<String, Vec<String>>;

/// Sample JSON text of `ty` that a server validating requests against the
/// spec accepts (the conformance calls). Unlike [`sample`] it goes deeper
/// (a validator checks the required fields of nested values too), fills
/// the fields of [`ExtraRequired`], and picks the file variant of a union
/// that has one: a mock reads a multipart part named `files[]` or
/// `video[id]` literally, not as the property `files` or `video`.
pub(crate) fn conformance_sample(api: &Api, extra: &ExtraRequired, ty: &Ty) -> String {
    let ctx = Ctx {
        api,
        conformance: Some(extra),
        max_depth: CONFORMANCE_MAX_DEPTH,
    };
    let mut out = String::new();
    ctx.write(ty, 0, &mut out);
    out
}

/// How deep a conformance sample goes: the deepest required field of a
/// request body (an eval's grader input message) is below 6.
const CONFORMANCE_MAX_DEPTH: usize = 12;

/// What a sample is built from.
struct Ctx<'a> {
    api: &'a Api,
    /// `Some` for a conformance sample.
    conformance: Option<&'a ExtraRequired>,
    max_depth: usize,
}

impl Ctx<'_> {
    fn write(&self, ty: &Ty, depth: usize, out: &mut String) {
        match ty {
            Ty::String => out.push_str("\"text\""),
            Ty::Integer => out.push('1'),
            Ty::Number => out.push_str("0.5"),
            Ty::Bool => out.push_str("true"),
            // A file reads from JSON as an empty file of that name.
            Ty::Binary => out.push_str("\"upload.txt\""),
            Ty::Any | Ty::Object | Ty::Map(_) => out.push_str("{}"),
            Ty::Array(inner) => {
                if depth >= self.max_depth {
                    out.push_str("[]");
                } else {
                    out.push('[');
                    self.write(inner, depth + 1, out);
                    out.push(']');
                }
            }
            Ty::Named(id) => self.write_named(*id, depth, out),
        }
    }

    fn write_named(&self, id: usize, depth: usize, out: &mut String) {
        let t = &self.api.types[id];
        match &t.kind {
            TypeKind::Alias(inner) => self.write(inner, depth, out),
            TypeKind::Enum { values, .. } => {
                let v = values.first().map_or("value", String::as_str);
                write!(out, "{v:?}").ok();
            }
            TypeKind::Union(u) => {
                let file = u
                    .variants
                    .iter()
                    .find(|v| matches!(v.payload, Payload::Ty(Ty::Binary)))
                    .filter(|_| self.conformance.is_some());
                match file.or(u.variants.first()).map(|v| &v.payload) {
                    Some(Payload::Const(c)) => {
                        write!(out, "{c:?}").ok();
                    }
                    Some(Payload::Ty(inner)) if depth < self.max_depth => {
                        self.write(inner, depth + 1, out);
                    }
                    _ => out.push_str("{}"),
                }
            }
            TypeKind::Struct(fields) => {
                if depth >= self.max_depth {
                    out.push_str("{}");
                    return;
                }
                let extra = self
                    .conformance
                    .zip(t.spec_name.as_ref())
                    .and_then(|(extra, name)| extra.get(name));
                let required = |f: &Field| f.required || extra.is_some_and(|e| e.contains(&f.wire));
                out.push('{');
                let mut first = true;
                for f in fields.iter().filter(|f| required(f)) {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    write!(out, "{:?}:", f.wire).ok();
                    match &f.constant {
                        Some(c) => {
                            write!(out, "{c:?}").ok();
                        }
                        None => self.write(&f.ty, depth + 1, out),
                    }
                }
                out.push('}');
            }
        }
    }
}
