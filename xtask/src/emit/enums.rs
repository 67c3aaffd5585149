//! Open string enums.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::ir::TypeDef;

use super::ModuleEmitter;

impl ModuleEmitter<'_> {
    // ===== enums =====

    pub(super) fn emit_enum(&mut self, t: &TypeDef, values: &[String], default: Option<&str>) {
        self.import("crate::support::UnknownValue");
        let name = &t.name;
        self.type_doc(t);
        self.body.push_str(
            "///\n/// This enum is open: a value this SDK does not know deserializes to `Unknown` and\n\
             /// serializes back unchanged. Match with a wildcard arm, or compare [`Self::as_str`].\n",
        );
        self.body
            .push_str("#[derive(Clone, Debug, PartialEq, Eq, Hash)]\n#[non_exhaustive]\n");
        writeln!(self.body, "pub enum {name} {{").ok();
        let variants = variant_names(values);
        for (v, vn) in values.iter().zip(&variants) {
            writeln!(self.body, "    /// `{v}`\n    {vn},").ok();
        }
        self.body.push_str("    /// A value this version of the SDK does not know.\n    Unknown(UnknownValue),\n}\n\n");
        writeln!(self.body, "impl {name} {{\n    /// The value as it is sent on the wire.\n    pub fn as_str(&self) -> &str {{\n        match self {{").ok();
        for (v, vn) in values.iter().zip(&variants) {
            writeln!(self.body, "            Self::{vn} => {v:?},").ok();
        }
        self.body
            .push_str("            Self::Unknown(v) => v.as_str(),\n        }\n    }\n\n");
        self.body
            .push_str("    fn known(value: &str) -> Option<Self> {\n        Some(match value {\n");
        for (v, vn) in values.iter().zip(&variants) {
            writeln!(self.body, "            {v:?} => Self::{vn},").ok();
        }
        self.body
            .push_str("            _ => return None,\n        })\n    }\n}\n\n");
        let default_expr = match default.and_then(|d| values.iter().position(|v| v == d)) {
            Some(i) => format!("Self::{}", variants[i]),
            None => "Self::Unknown(UnknownValue::default())".to_owned(),
        };
        writeln!(
            self.body,
            "impl Default for {name} {{\n    /// The spec's default value, or an empty unknown value when it has none.\n    fn default() -> Self {{\n        {default_expr}\n    }}\n}}\n"
        )
        .ok();
        writeln!(self.body, "crate::support::open_enum!({name});\n").ok();
    }
}

/// Unique PascalCase variant names for enum values.
pub(crate) fn variant_names(values: &[String]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    values
        .iter()
        .map(|v| {
            let base = match crate::names::pascal(v).as_str() {
                "Unknown" => "UnknownValue".to_owned(),
                "Self" => "SelfValue".to_owned(),
                other => other.to_owned(),
            };
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            name
        })
        .collect()
}
