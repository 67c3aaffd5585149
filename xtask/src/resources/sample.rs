//! Sample JSON values built from the schema model: the smallest value a type
//! accepts (required fields only; the first enum value; the first union
//! variant), for the generated per-operation tests.

use std::fmt::Write as _;

use crate::ir::{Api, Payload, Ty, TypeKind};

/// Deeper than this, objects are `{}`: the types accept a missing field.
const MAX_DEPTH: usize = 6;

/// Sample JSON text of `ty`.
pub(crate) fn sample(api: &Api, ty: &Ty) -> String {
    let mut out = String::new();
    write(api, ty, 0, &mut out);
    out
}

fn write(api: &Api, ty: &Ty, depth: usize, out: &mut String) {
    match ty {
        Ty::String => out.push_str("\"text\""),
        Ty::Integer => out.push('1'),
        Ty::Number => out.push_str("0.5"),
        Ty::Bool => out.push_str("true"),
        // A file reads from JSON as an empty file of that name.
        Ty::Binary => out.push_str("\"upload.txt\""),
        Ty::Any | Ty::Object | Ty::Map(_) => out.push_str("{}"),
        Ty::Array(inner) => {
            if depth >= MAX_DEPTH {
                out.push_str("[]");
            } else {
                out.push('[');
                write(api, inner, depth + 1, out);
                out.push(']');
            }
        }
        Ty::Named(id) => {
            let t = &api.types[*id];
            match &t.kind {
                TypeKind::Alias(inner) => write(api, inner, depth, out),
                TypeKind::Enum { values, .. } => {
                    let v = values.first().map_or("value", String::as_str);
                    write!(out, "{v:?}").ok();
                }
                TypeKind::Union(u) => match u.variants.first().map(|v| &v.payload) {
                    Some(Payload::Const(c)) => {
                        write!(out, "{c:?}").ok();
                    }
                    Some(Payload::Ty(inner)) if depth < MAX_DEPTH => {
                        write(api, inner, depth + 1, out);
                    }
                    _ => out.push_str("{}"),
                },
                TypeKind::Struct(fields) => {
                    if depth >= MAX_DEPTH {
                        out.push_str("{}");
                        return;
                    }
                    out.push('{');
                    let mut first = true;
                    for f in fields.iter().filter(|f| f.required) {
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        write!(out, "{:?}:", f.wire).ok();
                        match &f.constant {
                            Some(c) => {
                                write!(out, "{c:?}").ok();
                            }
                            None => write(api, &f.ty, depth + 1, out),
                        }
                    }
                    out.push('}');
                }
            }
        }
    }
}
