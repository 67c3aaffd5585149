//! Schemas -> named types: structs, open enums, unions, aliases, inline names.

use std::collections::BTreeSet;

use yaml_rust2::Yaml;

use crate::ir::{Field, Payload, Ty, TypeDef, TypeId, TypeKind, Union, Variant};
use crate::names::{self};
use crate::spec::Node;

use super::{Lower, all_of, description, wrapped_description};

impl<'a> Lower<'a> {
    // ----- types -----

    pub(super) fn new_type(&mut self, wanted: &str, node: &'a Yaml) -> TypeId {
        let mut name = wanted.to_owned();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        let id = self.types.len();
        self.types.push(TypeDef {
            name: name.clone(),
            spec_name: None,
            module: String::new(),
            doc: description(node).or_else(|| wrapped_description(node)),
            deprecated: node.bool_of("deprecated"),
            kind: TypeKind::Alias(Ty::Any),
            strict: false,
            input: false,
            output: false,
        });
        let kind = self.kind_of(node, &name);
        self.types[id].kind = kind;
        id
    }

    /// The kind of a named type.
    pub(super) fn kind_of(&mut self, node: &'a Yaml, name: &str) -> TypeKind {
        if node.get("$ref").is_some() || node.get("$recursiveRef").is_some() {
            return TypeKind::Alias(self.ty_of(node, name, ""));
        }
        if self.is_object_like(node) {
            return TypeKind::Struct(self.fields(node, name));
        }
        let members = self.members(node);
        if members.len() == 1 {
            // A nullable wrapper: the type is its one member (inline members are lowered here,
            // so that `ServiceTier` is the enum rather than an alias of `ServiceTier2`).
            if members[0].get("$ref").is_some() || members[0].get("$recursiveRef").is_some() {
                return TypeKind::Alias(self.ty_of(members[0], name, ""));
            }
            return self.kind_of(members[0], name);
        }
        if !members.is_empty() {
            if members.iter().all(|m| self.stringish(m, 0)) {
                return self.enum_kind(node);
            }
            return TypeKind::Union(self.union(node, &members, name));
        }
        if let [one] = all_of(node).as_slice() {
            if one.get("$ref").is_some() {
                return TypeKind::Alias(self.ty_of(one, name, ""));
            }
            return self.kind_of(one, name);
        }
        if !node.list("enum").is_empty() && node.list("enum").iter().all(|v| v.as_str().is_some()) {
            return self.enum_kind(node);
        }
        TypeKind::Alias(self.ty_of(node, name, ""))
    }

    pub(super) fn enum_kind(&self, node: &'a Yaml) -> TypeKind {
        let mut values = Vec::new();
        self.string_values(node, &mut values, 0);
        let default = node
            .str_of("default")
            .filter(|d| values.iter().any(|v| v == d))
            .map(str::to_owned);
        TypeKind::Enum { values, default }
    }

    /// The type of a schema used in position `owner` + `prop` (inline schemas get that name).
    pub(super) fn ty_of(&mut self, node: &'a Yaml, owner: &str, prop: &str) -> Ty {
        let inline_name = || {
            format!(
                "{owner}{}",
                if prop.is_empty() {
                    String::new()
                } else {
                    names::pascal(prop)
                }
            )
        };
        if let Some(r) = node.str_of("$ref") {
            return match r
                .strip_prefix("#/components/schemas/")
                .and_then(|n| self.component_ids.get(n))
            {
                Some(id) => Ty::Named(*id),
                None => Ty::Any,
            };
        }
        if node.get("$recursiveRef").is_some() {
            return Ty::Named(self.current_root);
        }
        if self.is_object_like(node) {
            return Ty::Named(self.new_type(&inline_name(), node));
        }
        let members = self.members(node);
        if members.len() == 1 {
            return self.ty_of(members[0], owner, prop);
        }
        if members.len() > 1 {
            return Ty::Named(self.new_type(&inline_name(), node));
        }
        if let [one] = all_of(node).as_slice() {
            return self.ty_of(one, owner, prop);
        }
        if !node.list("enum").is_empty() && node.list("enum").iter().all(|v| v.as_str().is_some()) {
            return Ty::Named(self.new_type(&inline_name(), node));
        }
        match node.str_of("type") {
            Some("string") if node.str_of("format") == Some("binary") => Ty::Binary,
            Some("string") => Ty::String,
            Some("integer") => Ty::Integer,
            Some("number") => Ty::Number,
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let item_prop = if prop.is_empty() {
                    "Item".to_owned()
                } else {
                    names::singular(prop).unwrap_or_else(|| format!("{prop}_item"))
                };
                match node.get("items") {
                    Some(items) => Ty::Array(Box::new(self.ty_of(items, owner, &item_prop))),
                    None => Ty::Array(Box::new(Ty::Any)),
                }
            }
            Some("object") => match node.get("additionalProperties") {
                Some(ap @ Yaml::Hash(_)) => {
                    let value_prop = format!("{prop}_value");
                    Ty::Map(Box::new(self.ty_of(ap, owner, &value_prop)))
                }
                _ => Ty::Object,
            },
            _ => Ty::Any,
        }
    }

    pub(super) fn fields(&mut self, node: &'a Yaml, owner: &str) -> Vec<Field> {
        let (props, required) = self.collect_object(node, 0);
        let mut fields: Vec<Field> = Vec::new();
        let mut idents = BTreeSet::new();
        for (wire, p) in props {
            if p.get("x-oaiSupportedSDKs").is_some() {
                // SDK-computed convenience property (`output_text`), never sent by the server.
                continue;
            }
            let constant = if p.get("$ref").is_some() {
                None
            } else {
                self.constant_of(p)
            };
            let ty = if constant.is_some() {
                Ty::String
            } else {
                self.ty_of(p, owner, &wire)
            };
            let mut ident = names::snake(&wire);
            if ident == "extra" {
                ident = "extra_value".to_owned();
            }
            let base = ident.clone();
            let mut n = 2;
            while !idents.insert(ident.clone()) {
                ident = format!("{base}_{n}");
                n += 1;
            }
            let doc = self.field_doc(p, 0);
            fields.push(Field {
                required: required.contains(&wire),
                nullable: self.is_nullable(p),
                wire,
                ident,
                ty,
                constant,
                doc,
                deprecated: p.bool_of("deprecated"),
                boxed: false,
                custom: None,
                query: false,
            });
        }
        fields
    }

    pub(super) fn union(&mut self, node: &'a Yaml, members: &[&'a Yaml], name: &str) -> Union {
        let disc = node
            .get("discriminator")
            .and_then(|d| d.str_of("propertyName"))
            .map(str::to_owned);
        let candidates: Vec<String> = match disc {
            Some(d) => vec![d],
            None => ["type", "event", "object", "role"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        };
        let mut tag = None;
        for c in candidates {
            let tagged = members
                .iter()
                .filter(|m| !self.tag_values(m, &c, 0).is_empty())
                .count();
            if tagged >= 2 || (tagged == 1 && members.len() == 1) {
                tag = Some(c);
                break;
            }
        }
        let mut variants: Vec<Variant> = Vec::new();
        let mut seen_tags = BTreeSet::new();
        let mut variant_names = BTreeSet::new();
        for (i, m) in members.iter().enumerate() {
            let mut tags = match &tag {
                Some(t) => self.tag_values(m, t, 0),
                None => Vec::new(),
            };
            tags.retain(|t| seen_tags.insert(t.clone()));
            let title = m.str_of("title").map(names::pascal);
            let constant = if m.get("$ref").is_some() || self.is_object_like(m) {
                None
            } else {
                self.constant_of(m)
            };
            let (payload, base) = if let Some(c) = constant {
                let n = names::pascal(&c);
                (Payload::Const(c), n)
            } else {
                let hint = title
                    .clone()
                    .or_else(|| tags.first().map(|t| names::pascal(t)))
                    .unwrap_or_else(|| format!("Variant{}", i + 1));
                let ty = self.ty_of(m, name, &hint);
                let base = if tags.len() > 1 && m.get("$ref").is_some() {
                    // Several tags (a nested union, or a tool with dated aliases): its type name.
                    self.ty_variant_name(&ty)
                } else if let Some(t) = tags.first() {
                    names::pascal(t)
                } else if let Some(t) = &title {
                    t.clone()
                } else {
                    self.ty_variant_name(&ty)
                };
                (Payload::Ty(ty), base)
            };
            let mut vname = if base == "Unknown" {
                "UnknownValue".to_owned()
            } else {
                base
            };
            let stem = vname.clone();
            let mut n = 2;
            while !variant_names.insert(vname.clone()) {
                vname = format!("{stem}{n}");
                n += 1;
            }
            let target = self.resolve(m);
            variants.push(Variant {
                name: vname,
                payload,
                tags,
                doc: description(m).or_else(|| description(target)),
                deprecated: m.bool_of("deprecated") || target.bool_of("deprecated"),
            });
        }
        Union { tag, variants }
    }

    pub(super) fn ty_variant_name(&self, ty: &Ty) -> String {
        match ty {
            Ty::String => "String".to_owned(),
            Ty::Integer => "Integer".to_owned(),
            Ty::Number => "Number".to_owned(),
            Ty::Bool => "Bool".to_owned(),
            Ty::Any => "Json".to_owned(),
            Ty::Object => "Object".to_owned(),
            Ty::Binary => "File".to_owned(),
            Ty::Named(id) => self.types[*id].name.clone(),
            Ty::Array(inner) => format!("{}Array", self.ty_variant_name(inner)),
            Ty::Map(inner) => format!("{}Map", self.ty_variant_name(inner)),
        }
    }
}
