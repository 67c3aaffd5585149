//! Unions: variants, `From` impls, tag dispatch and the by-kind fallback of `from_value`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::ir::{Payload, Ty, TypeDef, TypeKind, Union};

use super::ModuleEmitter;

/// Whether the union implements `FromJsonSlice` with its tag scan: the tagged event unions
/// the SDK decodes from a WebSocket message or an SSE event (`…ServerEvent`,
/// `…StreamEvent`). Other unions decode inside a larger document, through `Deserialize`.
pub(crate) fn decodes_from_slice(t: &TypeDef) -> bool {
    let TypeKind::Union(u) = &t.kind else {
        return false;
    };
    u.tag.is_some()
        && u.variants.iter().any(|v| !v.tags.is_empty())
        && (t.name.ends_with("ServerEvent") || t.name.ends_with("StreamEvent"))
}

impl ModuleEmitter<'_> {
    // ===== unions =====

    pub(super) fn emit_union(&mut self, t: &TypeDef, u: &Union) {
        self.import("serde_json::Value");
        self.import("crate::support::DeUnion");
        let name = &t.name;
        self.type_doc(t);
        self.body.push_str(
            "///\n/// A value that matches no variant is kept as raw JSON in `Unknown`.\n",
        );
        self.body
            .push_str("#[derive(Clone, Debug, PartialEq)]\n#[non_exhaustive]\n");
        writeln!(self.body, "pub enum {name} {{").ok();
        let mut payload_tys = Vec::new();
        for v in &u.variants {
            let fallback = match &v.payload {
                Payload::Const(c) => format!("`{c:?}`"),
                Payload::Ty(_) => format!("The `{}` variant.", v.name),
            };
            self.doc(v.doc.as_deref(), &fallback, "    ");
            if v.deprecated {
                self.body.push_str("    #[deprecated]\n");
            }
            match &v.payload {
                Payload::Const(_) => {
                    writeln!(self.body, "    {},", v.name).ok();
                    payload_tys.push(None);
                }
                Payload::Ty(ty) => {
                    let rt = self.ty(ty);
                    writeln!(self.body, "    {}({rt}),", v.name).ok();
                    payload_tys.push(Some(rt));
                }
            }
        }
        self.body.push_str(
            "    /// A value that matches no variant, kept as it was.\n    Unknown(Value),\n}\n\n",
        );

        writeln!(self.body, "impl Default for {name} {{\n    /// `Unknown(null)`: the filler of a missing required field.\n    fn default() -> Self {{\n        Self::Unknown(Value::Null)\n    }}\n}}\n").ok();
        // A union keeps no request id of its own: the variant that holds a response struct
        // keeps it (a string or list variant has nowhere to put it).
        if t.output {
            // (variant, its payload is boxed)
            let keepers: Vec<(&str, bool)> = u
                .variants
                .iter()
                .zip(&payload_tys)
                .filter(|(v, _)| match &v.payload {
                    Payload::Ty(Ty::Named(id)) => {
                        let p = &self.api.types[*id];
                        p.output && matches!(p.kind, TypeKind::Struct(_))
                    }
                    _ => false,
                })
                .map(|(v, rt)| {
                    let boxed = rt.as_deref().is_some_and(|rt| rt.starts_with("Box<"));
                    (v.name.as_str(), boxed)
                })
                .collect();
            // The scanning decoder, for the streaming client.
            let from_json_str = if decodes_from_slice(t) {
                "    fn from_json_str(text: &str) -> serde_json::Result<Self> {\n        crate::support::from_json_str(text)\n    }\n"
            } else {
                ""
            };
            if keepers.is_empty() {
                if from_json_str.is_empty() {
                    writeln!(self.body, "impl crate::ResponseMeta for {name} {{}}\n").ok();
                } else {
                    writeln!(
                        self.body,
                        "impl crate::ResponseMeta for {name} {{\n{from_json_str}}}\n"
                    )
                    .ok();
                }
            } else {
                let arms = |call: &dyn Fn(bool) -> String| {
                    keepers
                        .iter()
                        .map(|(v, boxed)| {
                            format!("            Self::{v}(value) => {},\n", call(*boxed))
                        })
                        .collect::<String>()
                };
                let set = |boxed: bool| {
                    let value = if boxed { "&mut **value" } else { "value" };
                    format!("crate::ResponseMeta::set_request_id({value}, id)")
                };
                // One variant: `if let` (clippy's single_match).
                let (set_body, get_body) = match keepers.as_slice() {
                    [(v, boxed)] => (
                        format!(
                            "        if let Self::{v}(value) = self {{\n            {};\n        }}\n",
                            set(*boxed)
                        ),
                        format!(
                            "        if let Self::{v}(value) = self {{\n            value.request_id()\n        }} else {{\n            None\n        }}\n"
                        ),
                    ),
                    _ => (
                        format!(
                            "        match self {{\n{}            _ => {{}}\n        }}\n",
                            arms(&set)
                        ),
                        format!(
                            "        match self {{\n{}            _ => None,\n        }}\n",
                            arms(&|_| "value.request_id()".to_owned())
                        ),
                    ),
                };
                writeln!(
                    self.body,
                    "impl crate::ResponseMeta for {name} {{\n    fn set_request_id(&mut self, id: &str) {{\n{set_body}    }}\n{from_json_str}}}\n"
                )
                .ok();
                writeln!(
                    self.body,
                    "impl {name} {{\n    /// The server's request id (`x-request-id`) of the response this value came from,\n    /// when the client recorded one (kept by the variant). Not part of the JSON.\n    pub fn request_id(&self) -> Option<&str> {{\n{get_body}    }}\n}}\n"
                )
                .ok();
            }
        }

        // From impls for variants whose payload type is unique.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for p in payload_tys.iter().flatten() {
            *counts.entry(p.as_str()).or_default() += 1;
        }
        for (v, p) in u.variants.iter().zip(&payload_tys) {
            if let Some(p) = p {
                if counts[p.as_str()] == 1 && p != "Value" {
                    writeln!(self.body, "impl From<{p}> for {name} {{\n    fn from(value: {p}) -> Self {{\n        Self::{}(value)\n    }}\n}}\n", v.name).ok();
                    if p == "String" {
                        writeln!(self.body, "impl From<&str> for {name} {{\n    fn from(value: &str) -> Self {{\n        Self::{}(value.to_owned())\n    }}\n}}\n", v.name).ok();
                    }
                }
            }
        }

        // `From<&str>` through the one open-enum variant, when no variant holds a plain string.
        let enum_variants: Vec<&str> = u
            .variants
            .iter()
            .filter_map(|v| match &v.payload {
                Payload::Ty(Ty::Named(id))
                    if matches!(self.api.types[*id].kind, TypeKind::Enum { .. }) =>
                {
                    Some(v.name.as_str())
                }
                _ => None,
            })
            .collect();
        let has_string = u
            .variants
            .iter()
            .any(|v| matches!(v.payload, Payload::Ty(Ty::String)));
        if let ([only], false) = (enum_variants.as_slice(), has_string) {
            writeln!(self.body, "impl From<&str> for {name} {{\n    fn from(value: &str) -> Self {{\n        Self::{only}(value.into())\n    }}\n}}\n").ok();
        }

        // Serialize.
        self.import("serde::Serialize");
        self.import("serde::Serializer");
        writeln!(self.body, "impl Serialize for {name} {{\n    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{\n        match self {{").ok();
        for v in &u.variants {
            match &v.payload {
                Payload::Const(c) => writeln!(
                    self.body,
                    "            Self::{} => s.serialize_str({c:?}),",
                    v.name
                )
                .ok(),
                Payload::Ty(ty) if self.holds_number(ty) => {
                    self.import("crate::support::Num");
                    writeln!(
                        self.body,
                        "            Self::{}(v) => Num(v).serialize(s),",
                        v.name
                    )
                    .ok()
                }
                Payload::Ty(_) => writeln!(
                    self.body,
                    "            Self::{}(v) => v.serialize(s),",
                    v.name
                )
                .ok(),
            };
        }
        self.body
            .push_str("            Self::Unknown(v) => v.serialize(s),\n        }\n    }\n}\n\n");
        self.import("serde::Deserialize");
        self.import("serde::Deserializer");
        writeln!(self.body, "impl<'de> Deserialize<'de> for {name} {{\n    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n        crate::support::deserialize_union(d)\n    }}\n}}\n").ok();

        // DeUnion.
        writeln!(
            self.body,
            "impl DeUnion for {name} {{\n    const NAME: &'static str = {name:?};"
        )
        .ok();
        let tagged: Vec<_> = u.variants.iter().filter(|v| !v.tags.is_empty()).collect();
        if let (Some(tag), false) = (&u.tag, tagged.is_empty()) {
            self.import("crate::support::TagReplay");
            self.import("crate::support::rest_to_value");
            self.import("serde::de::MapAccess");
            self.import("serde::de::value::MapAccessDeserializer");
            writeln!(
                self.body,
                "    const TAG: Option<&'static str> = Some({tag:?});\n"
            )
            .ok();
            self.body.push_str("    fn from_tagged<'de, A: MapAccess<'de>>(tag: &str, map: TagReplay<'de, A>) -> Result<Self, A::Error> {\n        Ok(match tag {\n");
            for v in &tagged {
                let pats: Vec<String> = v.tags.iter().map(|t| format!("{t:?}")).collect();
                match &v.payload {
                    Payload::Const(_) => writeln!(self.body, "            {} => Self::{},", pats.join(" | "), v.name).ok(),
                    Payload::Ty(_) => writeln!(self.body, "            {} => Self::{}(Deserialize::deserialize(MapAccessDeserializer::new(map))?),", pats.join(" | "), v.name).ok(),
                };
            }
            self.body.push_str(
                "            _ => Self::from_value(rest_to_value(map)?)?,\n        })\n    }\n\n",
            );
            if decodes_from_slice(t) {
                // The scan gives bytes: ASCII tags are matched as byte strings (the others,
                // none in the spec, take the general path).
                self.body.push_str("    fn from_tag_bytes<'de, D: Deserializer<'de>>(tag: &[u8], d: D, slot: &mut Option<Self>) -> Option<Result<(), D::Error>> {\n        Some(match tag {\n");
                for v in &tagged {
                    let pats: Vec<String> = v
                        .tags
                        .iter()
                        .filter(|t| t.is_ascii())
                        .map(|t| format!("b{t:?}"))
                        .collect();
                    if let (Payload::Ty(_), false) = (&v.payload, pats.is_empty()) {
                        writeln!(
                            self.body,
                            "            {} => Deserialize::deserialize(d).map(|v| *slot = Some(Self::{}(v))),",
                            pats.join(" | "),
                            v.name
                        )
                        .ok();
                    }
                }
                self.body
                    .push_str("            _ => return None,\n        })\n    }\n\n");
            }
        } else {
            self.body.push('\n');
        }
        self.body.push_str(
            "    fn from_value<E: serde::de::Error>(value: Value) -> Result<Self, E> {\n",
        );
        if let (Some(tag), false) = (&u.tag, tagged.is_empty()) {
            self.import("crate::support::tag_of");
            self.import("crate::support::parse_as");
            writeln!(self.body, "        let tag = tag_of(&value, {tag:?});").ok();
            for v in &tagged {
                let pats: Vec<String> = v.tags.iter().map(|t| format!("{t:?}")).collect();
                if let Payload::Ty(_) = v.payload {
                    writeln!(self.body, "        if let Some(v) = parse_as(&value, matches!(tag, Some({}))) {{\n            return Ok(Self::{}(v));\n        }}", pats.join(" | "), v.name).ok();
                }
            }
        }
        self.emit_kind_dispatch(u);
        self.body
            .push_str("        Ok(Self::Unknown(value))\n    }\n}\n\n");

        // FromJsonSlice: the tag found in the bytes, the variant decoded straight from them.
        if decodes_from_slice(t) {
            writeln!(self.body, "impl crate::FromJsonSlice for {name} {{\n    fn from_json_slice(bytes: &[u8]) -> serde_json::Result<Self> {{\n        crate::support::from_json_slice(bytes)\n    }}\n}}\n").ok();
        }
    }

    /// Rules 2 and 3 of `support::union`: dispatch on the JSON kind.
    fn emit_kind_dispatch(&mut self, u: &Union) {
        let mut strings = Vec::new();
        let mut consts = Vec::new();
        let mut integers = Vec::new();
        let mut numbers = Vec::new();
        let mut bools = Vec::new();
        let mut arrays = Vec::new();
        let mut objects = Vec::new();
        let mut anys = Vec::new();
        for v in &u.variants {
            match &v.payload {
                Payload::Const(c) => consts.push((c.clone(), v.name.clone())),
                Payload::Ty(ty) => {
                    let kinds = self.kinds(ty, 0);
                    for k in kinds {
                        let list = match k {
                            Kind::String => &mut strings,
                            Kind::Integer => &mut integers,
                            Kind::Number => &mut numbers,
                            Kind::Bool => &mut bools,
                            Kind::Array => &mut arrays,
                            Kind::Object => &mut objects,
                            Kind::Any => &mut anys,
                        };
                        if !list.iter().any(|(n, _): &(String, Ty)| *n == v.name) {
                            list.push((v.name.clone(), ty.clone()));
                        }
                    }
                }
            }
        }
        // A tagged variant is matched by shape only when the object has no tag at all.
        let tag_guard = |name: &str| -> &'static str {
            let has_tags = u
                .variants
                .iter()
                .any(|v| v.name == name && !v.tags.is_empty());
            if u.tag.is_some() && has_tags {
                "tag.is_none() && "
            } else {
                ""
            }
        };
        let mut out = String::new();
        let line = |out: &mut String, cond: &str, name: &str| {
            writeln!(out, "        if let Some(v) = parse_as(&value, {cond}) {{\n            return Ok(Self::{name}(v));\n        }}").ok();
        };
        for (c, n) in &consts {
            writeln!(out, "        if value.as_str() == Some({c:?}) {{\n            return Ok(Self::{n});\n        }}").ok();
        }
        for (n, _) in &strings {
            line(&mut out, "value.is_string()", n);
        }
        for (n, _) in &integers {
            line(&mut out, "value.is_i64() || value.is_u64()", n);
        }
        for (n, _) in &numbers {
            line(&mut out, "value.is_number()", n);
        }
        for (n, _) in &bools {
            line(&mut out, "value.is_boolean()", n);
        }
        for (n, _) in &arrays {
            line(&mut out, "value.is_array()", n);
        }
        if objects.len() > 1 {
            self.import("crate::support::best_object_match");
            out.push_str("        let candidates: &[(&[&str], &[&str])] = &[\n");
            for (_, ty) in &objects {
                let (req, known) = self.object_keys(ty);
                let q = |v: &[String]| {
                    v.iter()
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                writeln!(out, "            (&[{}], &[{}]),", q(&req), q(&known)).ok();
            }
            out.push_str("        ];\n        let best = best_object_match(&value, candidates);\n");
            for (i, (n, _)) in objects.iter().enumerate() {
                let cond = format!("{}best == Some({i})", tag_guard(n));
                line(&mut out, &cond, n);
            }
        }
        for (n, _) in &objects {
            let cond = format!("{}value.is_object()", tag_guard(n));
            line(&mut out, &cond, n);
        }
        for (n, _) in &anys {
            line(&mut out, "true", n);
        }
        if out.contains("parse_as") {
            self.import("crate::support::parse_as");
        }
        self.body.push_str(&out);
    }

    fn kinds(&self, ty: &Ty, depth: usize) -> Vec<Kind> {
        match ty {
            Ty::String | Ty::Binary => vec![Kind::String],
            Ty::Integer => vec![Kind::Integer],
            Ty::Number => vec![Kind::Number],
            Ty::Bool => vec![Kind::Bool],
            Ty::Any => vec![Kind::Any],
            Ty::Object | Ty::Map(_) => vec![Kind::Object],
            Ty::Array(_) => vec![Kind::Array],
            Ty::Named(id) => match &self.api.types[*id].kind {
                TypeKind::Struct(_) => vec![Kind::Object],
                TypeKind::Enum { .. } => vec![Kind::String],
                TypeKind::Alias(inner) if depth < 8 => self.kinds(inner, depth + 1),
                TypeKind::Union(u) if depth < 8 => {
                    let mut out = Vec::new();
                    for v in &u.variants {
                        let ks = match &v.payload {
                            Payload::Const(_) => vec![Kind::String],
                            Payload::Ty(t) => self.kinds(t, depth + 1),
                        };
                        for k in ks {
                            if !out.contains(&k) {
                                out.push(k);
                            }
                        }
                    }
                    out
                }
                _ => vec![Kind::Any],
            },
        }
    }

    /// (required, all) JSON field names of an object-kind type, for `best_object_match`.
    fn object_keys(&self, ty: &Ty) -> (Vec<String>, Vec<String>) {
        let mut req = Vec::new();
        let mut all = Vec::new();
        self.collect_keys(ty, &mut req, &mut all, 0, true);
        (req, all)
    }

    fn collect_keys(
        &self,
        ty: &Ty,
        req: &mut Vec<String>,
        all: &mut Vec<String>,
        depth: usize,
        top: bool,
    ) {
        let Ty::Named(id) = ty else { return };
        if depth > 8 {
            return;
        }
        match &self.api.types[*id].kind {
            TypeKind::Struct(fields) => {
                for f in fields {
                    if top && f.required && !f.nullable {
                        req.push(f.wire.clone());
                    }
                    if !all.contains(&f.wire) {
                        all.push(f.wire.clone());
                    }
                }
            }
            TypeKind::Alias(inner) => self.collect_keys(inner, req, all, depth + 1, top),
            TypeKind::Union(u) => {
                for v in &u.variants {
                    if let Payload::Ty(t) = &v.payload {
                        self.collect_keys(t, req, all, depth + 1, false);
                    }
                }
            }
            TypeKind::Enum { .. } => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Integer,
    Number,
    Bool,
    Array,
    Object,
    Any,
}
