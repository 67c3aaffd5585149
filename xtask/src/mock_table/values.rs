//! JSON values from the schema model for the mock's table: [`Sampler`] builds one (or
//! completes an example), [`fits`] checks an example against its type, [`lenient_json`]
//! reads the spec's example texts.

use serde_json::{Map, Value, json};

use crate::ir::{Api, Payload, Ty, TypeKind};

/// Deeper than this, arrays are empty and objects are `{}`.
const MAX_DEPTH: usize = 10;

/// A plausible Unix time (2023-11-14) for `created_at` and the like.
const TIMESTAMP: i64 = 1_700_000_000;

/// Parses an example: strict JSON, or JSON once trailing commas are dropped (several
/// examples have them). Only objects count.
pub(super) fn lenient_json(text: &str) -> Option<Value> {
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
pub(super) fn fits(api: &Api, ty: &Ty, v: &Value, depth: usize) -> bool {
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
pub(super) struct Sampler<'a> {
    api: &'a Api,
    /// An object was cut short at [`MAX_DEPTH`] since the innermost array began: that array
    /// is left empty rather than hold an object missing its required fields.
    truncated: bool,
}

impl<'a> Sampler<'a> {
    pub(super) fn new(api: &'a Api) -> Self {
        Self {
            api,
            truncated: false,
        }
    }

    pub(super) fn value(&mut self, ty: &Ty, depth: usize) -> Value {
        self.field_value(ty, "", "", depth)
    }

    /// `value` (an example) with the required fields it lacks filled in, at any depth
    /// the type reaches: several examples leave out a field their schema requires.
    pub(super) fn complete(&mut self, ty: &Ty, mut value: Value, depth: usize) -> Value {
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
}
