//! Structs: fields, constructor, setters, `field_state`, and the visitor-based serde impls.

use std::fmt::Write as _;

use crate::ir::{Field, Ty, TypeDef};

use super::{ModuleEmitter, local};

impl ModuleEmitter<'_> {
    // ===== structs =====

    pub(super) fn emit_struct(&mut self, t: &TypeDef, fields: &[Field]) {
        self.import("crate::support::ExtraFields");
        self.import("crate::support::FieldState");
        let name = &t.name;
        let needs_manual_default = !t.strict
            && fields
                .iter()
                .any(|f| f.required && !f.nullable && f.constant.is_some());
        self.type_doc(t);
        if t.strict || needs_manual_default {
            self.body.push_str("#[derive(Clone, Debug, PartialEq)]\n");
        } else {
            self.body
                .push_str("#[derive(Clone, Debug, Default, PartialEq)]\n");
        }
        writeln!(self.body, "pub struct {name} {{").ok();
        let mut decl_tys = Vec::new();
        for f in fields {
            let mut doc = f.doc.clone().unwrap_or_else(|| self.field_fallback_doc(f));
            if let (Some(c), true) = (&f.constant, f.required) {
                write!(doc, "\n\nAlways `{c:?}`.").ok();
            }
            self.doc(Some(&doc), "", "    ");
            if f.deprecated {
                self.body.push_str("    #[deprecated]\n");
            }
            let fty = self.field_ty(f);
            writeln!(self.body, "    pub {}: {fty},", f.ident).ok();
            decl_tys.push(fty);
        }
        self.body.push_str("    extra: ExtraFields,\n}\n\n");

        // ----- inherent impl -----
        writeln!(self.body, "impl {name} {{").ok();
        let args: Vec<(&Field, String)> = fields
            .iter()
            .zip(&decl_tys)
            .filter(|(f, _)| f.required && !f.nullable && f.constant.is_none())
            .map(|(f, ty)| (f, ty.clone()))
            .collect();
        // Required fields in spec order, except that `model` comes first (`new(model, messages)`).
        let mut args = args;
        args.sort_by_key(|(f, _)| f.wire != "model");
        if args.len() <= 7 || t.strict {
            self.body
                .push_str("    /// Creates a value from its required fields.\n");
            if args.len() > 7 {
                self.body.push_str("    #[allow(clippy::too_many_arguments, reason = \"the spec requires these fields\")]\n");
            }
            let params: Vec<String> = args
                .iter()
                .map(|(f, ty)| format!("{}: impl Into<{ty}>", f.ident))
                .collect();
            writeln!(
                self.body,
                "    pub fn new({}) -> Self {{",
                params.join(", ")
            )
            .ok();
            self.body.push_str("        Self {\n");
            for f in fields {
                let value = if f.required && !f.nullable {
                    match &f.constant {
                        Some(c) => format!("Cow::Borrowed({c:?})"),
                        None => format!("{}.into()", f.ident),
                    }
                } else if f.required {
                    "Nullable::Null".to_owned()
                } else if t.strict {
                    "Nullable::Absent".to_owned()
                } else {
                    continue;
                };
                if !(t.strict || needs_manual_default) && value == "Nullable::Absent" {
                    continue;
                }
                writeln!(self.body, "            {}: {value},", f.ident).ok();
            }
            if t.strict {
                self.body
                    .push_str("            extra: ExtraFields::new(),\n");
            } else {
                self.body.push_str("            ..Default::default()\n");
            }
            self.body.push_str("        }\n    }\n\n");
        }
        if t.input {
            for f in fields.iter().filter(|f| !f.required || f.nullable) {
                // A boxed field's setter takes the value and boxes it.
                let inner = self.field_base_ty(f);
                let method = match f.ident.as_str() {
                    "new" | "extra_fields" | "extra_fields_mut" | "field_state" => {
                        format!("set_{}", f.ident)
                    }
                    other => other.to_owned(),
                };
                let value = if f.boxed {
                    "Box::new(value.into())"
                } else {
                    "value.into()"
                };
                let plain = f.ident.trim_start_matches("r#");
                writeln!(self.body, "    /// Sets `{plain}`.").ok();
                if f.deprecated {
                    self.body.push_str("    #[deprecated]\n");
                }
                writeln!(
                    self.body,
                    "    pub fn {method}(mut self, value: impl Into<{inner}>) -> Self {{\n        self.{} = Nullable::Value({value});\n        self\n    }}\n",
                    f.ident
                )
                .ok();
            }
        }
        self.body.push_str(
            "    /// Fields of the JSON object that this type does not name; they are serialized back.\n\
             \x20   pub fn extra_fields(&self) -> &ExtraFields {\n        &self.extra\n    }\n\n\
             \x20   /// Mutable access to the fields this type does not name.\n\
             \x20   pub fn extra_fields_mut(&mut self) -> &mut ExtraFields {\n        &mut self.extra\n    }\n\n",
        );
        if t.output {
            self.body.push_str(
                "    /// The server's request id (`x-request-id`) of the response this value came from,\n\
                 \x20   /// when the client recorded one. Not part of the JSON.\n\
                 \x20   pub fn request_id(&self) -> Option<&str> {\n        self.extra.request_id()\n    }\n\n",
            );
        }
        self.body.push_str(
            "    /// Whether the field `name` (named by this type or not) was missing, `null`, or present.\n\
             \x20   pub fn field_state(&self, name: &str) -> FieldState {\n",
        );
        if fields.is_empty() {
            self.body
                .push_str("        self.extra.state(name)\n    }\n}\n\n");
        } else {
            self.body.push_str("        match name {\n");
            for f in fields {
                let state = if f.required && !f.nullable {
                    format!("self.extra.required_state({:?})", f.wire)
                } else {
                    format!("self.{}.state()", f.ident)
                };
                writeln!(self.body, "            {:?} => {state},", f.wire).ok();
            }
            self.body
                .push_str("            _ => self.extra.state(name),\n        }\n    }\n}\n\n");
        }
        // Only a type that can arrive in a response keeps a request id; one that is only
        // sent (or arrives outside HTTP) has none to offer, so it does not pretend to.
        if t.output {
            self.response_meta(name, fields);
        }

        if needs_manual_default {
            writeln!(
                self.body,
                "impl Default for {name} {{\n    fn default() -> Self {{\n        Self {{"
            )
            .ok();
            for f in fields {
                let value = match (&f.constant, f.required && !f.nullable) {
                    (Some(c), true) => format!("Cow::Borrowed({c:?})"),
                    _ => "Default::default()".to_owned(),
                };
                writeln!(self.body, "            {}: {value},", f.ident).ok();
            }
            self.body
                .push_str("            extra: ExtraFields::new(),\n        }\n    }\n}\n\n");
        }

        // ----- serde -----
        self.import("crate::support::SerStruct");
        self.import("crate::support::DeStruct");
        self.import("crate::support::Key");
        self.import("serde::de::MapAccess");
        self.import("serde::ser::SerializeMap");
        writeln!(
            self.body,
            "impl SerStruct for {name} {{\n    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {{"
        )
        .ok();
        for f in fields.iter().filter(|f| !f.query) {
            // Fields holding `number`s write integral values as integers (support/number.rs).
            let num = f.constant.is_none() && f.custom.is_none() && self.holds_number(&f.ty);
            let suffix = if num { "_number" } else { "" };
            let line = if f.required && !f.nullable {
                match (&f.constant, t.strict) {
                    (_, true) if num => {
                        self.import("crate::support::Num");
                        format!(
                            "map.serialize_entry({:?}, &Num(&self.{}))?;",
                            f.wire, f.ident
                        )
                    }
                    (_, true) => format!("map.serialize_entry({:?}, &self.{})?;", f.wire, f.ident),
                    (Some(c), false) => {
                        self.import("crate::support::ser_const");
                        format!(
                            "ser_const(map, &self.extra, {:?}, &self.{}, {c:?})?;",
                            f.wire, f.ident
                        )
                    }
                    (None, false) => {
                        self.import(&format!("crate::support::ser_required{suffix}"));
                        format!(
                            "ser_required{suffix}(map, &self.extra, {:?}, &self.{})?;",
                            f.wire, f.ident
                        )
                    }
                }
            } else {
                self.import(&format!("crate::support::ser_optional{suffix}"));
                format!(
                    "ser_optional{suffix}(map, {:?}, &self.{})?;",
                    f.wire, f.ident
                )
            };
            writeln!(self.body, "        {line}").ok();
        }
        self.body
            .push_str("        self.extra.serialize_into(map)\n    }\n}\n\n");

        writeln!(
            self.body,
            "impl DeStruct for {name} {{\n    const NAME: &'static str = {name:?};\n\n    fn visit_fields<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {{"
        )
        .ok();
        if !fields.is_empty() {
            self.import("crate::support::Nullable");
        }
        for f in fields {
            writeln!(
                self.body,
                "        let mut {} = Nullable::Absent;",
                local(f)
            )
            .ok();
        }
        self.body.push_str("        let mut extra = ExtraFields::new();\n        while let Some(key) = map.next_key::<Key<'de>>()? {\n");
        if fields.is_empty() {
            self.body.push_str("            extra.insert_key(key.into_string(), map.next_value()?);\n        }\n        Ok(Self {\n");
        } else {
            self.body.push_str("            match key.as_str() {\n");
            for f in fields {
                let read = match f.custom {
                    Some(c) => {
                        self.import(&format!("crate::support::{}", c.reader));
                        format!(
                            "map.next_value::<Nullable<{0}>>()?.map({0}::into_inner)",
                            c.reader
                        )
                    }
                    None => "map.next_value()?".to_owned(),
                };
                writeln!(
                    self.body,
                    "                {:?} => {} = {read},",
                    f.wire,
                    local(f)
                )
                .ok();
            }
            self.body.push_str(
            "                _ => extra.insert_key(key.into_string(), map.next_value()?),\n            }\n        }\n        Ok(Self {\n",
        );
        }
        for f in fields {
            let value = if f.required && !f.nullable {
                if t.strict {
                    self.import("crate::support::required_strict");
                    format!("required_strict({}, {:?})?", local(f), f.wire)
                } else if let Some(c) = &f.constant {
                    self.import("crate::support::required_const");
                    format!(
                        "required_const({}, &mut extra, {:?}, {c:?})",
                        local(f),
                        f.wire
                    )
                } else {
                    self.import("crate::support::required");
                    format!("required({}, &mut extra, {:?})", local(f), f.wire)
                }
            } else {
                local(f)
            };
            writeln!(self.body, "            {}: {value},", f.ident).ok();
        }
        self.body
            .push_str("            extra,\n        })\n    }\n}\n\n");
        writeln!(self.body, "crate::support::struct_serde!({name});\n").ok();
    }

    fn response_meta(&mut self, name: &str, fields: &[Field]) {
        // A type that names an `error` field keeps it out of the extra fields,
        // so it does not offer them for the stream's error check.
        let unknown = if fields.iter().any(|f| f.wire == "error") {
            ""
        } else {
            "\n    fn unknown_fields(&self) -> Option<&ExtraFields> {\n        Some(&self.extra)\n    }\n"
        };
        writeln!(
            self.body,
            "impl crate::ResponseMeta for {name} {{\n    fn set_request_id(&mut self, id: &str) {{\n        self.extra.set_request_id(id);\n    }}\n{unknown}}}\n"
        )
        .ok();
    }

    /// The doc of a field the spec does not describe: the first paragraph of its type's doc.
    pub(super) fn field_fallback_doc(&self, f: &Field) -> String {
        let mut ty = &f.ty;
        while let Ty::Array(inner) | Ty::Map(inner) = ty {
            ty = inner;
        }
        if let Ty::Named(id) = ty {
            if let Some(doc) = &self.api.types[*id].doc {
                let first = doc.split("\n\n").next().unwrap_or_default().trim();
                if !first.is_empty() && !first.starts_with("```") {
                    return first.to_owned();
                }
            }
        }
        format!("The `{}` field.", f.wire)
    }
}
