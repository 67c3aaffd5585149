//! Spec -> intermediate model: every component schema and every inline schema becomes a
//! [`TypeDef`]; every operation becomes an [`Operation`](crate::ir::Operation).
//!
//! Rules worth knowing:
//! * `anyOf`/`oneOf` members `{type: null}` and `nullable: true` make the *field* nullable;
//!   a union left with one member is that member.
//! * A union whose members are all strings (free strings, enums, refs to enums) is an open
//!   enum of all the known values (`ModelIdsShared`).
//! * `allOf` is merged into one struct (properties in member order, `required` united), so
//!   `required` lists naming a property of another member work; names declared nowhere are
//!   ignored.
//! * A single-value string enum (or `const`) on a property is a constant field.
//! * `$recursiveRef: "#"` refers to the enclosing component.

use std::collections::{BTreeMap, BTreeSet};

use yaml_rust2::Yaml;

use crate::ir::{Api, Ty, TypeDef, TypeId, TypeKind};
use crate::names::{self, Tables};
use crate::spec::Node;

mod operations;
mod overrides;
mod passes;
mod schema;
mod types;

use operations::{params_names, request_body_renames};
pub(crate) use overrides::apply as apply_overrides;
pub(crate) use passes::{mark_input, mark_output};

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

pub(crate) fn lower(doc: &Yaml, tables: &Tables) -> Result<Api, String> {
    let schemas_node = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .ok_or("spec has no components.schemas")?;
    let mut schemas: Vec<(String, &Yaml)> = schemas_node.entries();
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    let mut l = Lower {
        doc,
        schemas: schemas.iter().cloned().collect(),
        component_ids: BTreeMap::new(),
        types: Vec::new(),
        taken: BTreeSet::new(),
        current_root: 0,
    };
    for name in tables.renames.keys() {
        if !l.schemas.contains_key(name) {
            return Err(format!(
                "renames.tsv names `{name}`, which is not a component schema"
            ));
        }
    }
    let params_names = params_names(doc, tables);
    let body_names = request_body_renames(doc, &params_names);
    // 1. Name every component.
    for (spec_name, node) in &schemas {
        let name = tables
            .renames
            .get(spec_name)
            .or_else(|| body_names.get(spec_name))
            .cloned()
            .unwrap_or_else(|| names::pascal(spec_name));
        if !l.taken.insert(name.clone()) {
            return Err(format!(
                "two schemas are named `{name}` (one is `{spec_name}`)"
            ));
        }
        let id = l.types.len();
        l.types.push(TypeDef {
            name,
            spec_name: Some(spec_name.clone()),
            module: String::new(),
            doc: description(node).or_else(|| wrapped_description(node)),
            deprecated: node.bool_of("deprecated"),
            kind: TypeKind::Alias(Ty::Any),
            strict: false,
            input: false,
            output: false,
        });
        l.component_ids.insert(spec_name.clone(), id);
    }
    for reserved in RESERVED {
        if l.taken.contains(*reserved) {
            return Err(format!(
                "a schema is named `{reserved}`, which generated code imports"
            ));
        }
        l.taken.insert((*reserved).to_owned());
    }
    // 2. Lower every component (inline schemas are named and lowered on the way).
    for (spec_name, node) in &schemas {
        let id = l.component_ids[spec_name];
        l.current_root = id;
        let name = l.types[id].name.clone();
        let kind = l.kind_of(node, &name);
        l.types[id].kind = kind;
    }
    // 3. Operations.
    let mut operations = Vec::new();
    let mut body_types = BTreeSet::new();
    if let Some(paths) = doc.get("paths") {
        for (path, item) in paths.entries() {
            for (method, op) in item.entries() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let o = l.operation(
                    &path,
                    &method,
                    item,
                    op,
                    tables,
                    &params_names,
                    &mut body_types,
                );
                operations.push(o);
            }
        }
    }
    // 3b. Query parameters of operations with a body join the body's params type.
    for op in &operations {
        l.add_query_fields(op);
    }
    // 4. Flatten nested tagged unions, then modules, boxing, input and output types, strict
    //    bodies.
    l.flatten_unions();
    let modules = l.assign_modules(&operations);
    l.box_cycles();
    l.box_optional_objects(&tables.inline)?;
    l.mark_input(&operations);
    l.mark_output(&operations);
    l.mark_strict(&body_types);
    Ok(Api {
        types: l.types,
        operations,
        modules,
    })
}

/// Names generated code uses unqualified; no type may take them.
const RESERVED: &[&str] = &[
    "ExtraFields",
    "FieldState",
    "Nullable",
    "UnknownValue",
    "Value",
    "Map",
    "BTreeMap",
    "String",
    "Vec",
    "Box",
    "Option",
    "Result",
    "Default",
    "Self",
    "Key",
];

struct Lower<'a> {
    doc: &'a Yaml,
    schemas: BTreeMap<String, &'a Yaml>,
    component_ids: BTreeMap<String, TypeId>,
    types: Vec<TypeDef>,
    taken: BTreeSet<String>,
    current_root: TypeId,
}

fn push_unique(out: &mut Vec<String>, s: &str) {
    if !out.iter().any(|v| v == s) {
        out.push(s.to_owned());
    }
}

/// `allOf` members that contribute a schema (not just `nullable: true` or a description).
fn all_of(node: &Yaml) -> Vec<&Yaml> {
    node.list("allOf")
        .iter()
        .filter(|m| !is_modifier(m))
        .collect()
}

fn is_modifier(node: &Yaml) -> bool {
    node.entries().iter().all(|(k, _)| {
        matches!(
            k.as_str(),
            "nullable" | "description" | "title" | "deprecated" | "default" | "example"
        ) || k.starts_with("x-")
    })
}

fn is_null_schema(node: &Yaml) -> bool {
    node.str_of("type") == Some("null")
}

/// A member that only constrains (`{required: [...]}`), as in `ImageRefParam`.
fn is_constraint(node: &Yaml) -> bool {
    let keys: Vec<String> = node.entries().into_iter().map(|(k, _)| k).collect();
    !keys.is_empty()
        && keys
            .iter()
            .all(|k| matches!(k.as_str(), "required" | "not" | "description" | "title"))
}

fn description(node: &Yaml) -> Option<String> {
    node.str_of("description")
        .or_else(|| node.str_of("title"))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The description of the one non-null member of a nullable wrapper (`anyOf: [X, null]`).
fn wrapped_description(node: &Yaml) -> Option<String> {
    let list = if node.get("oneOf").is_some() {
        node.list("oneOf")
    } else {
        node.list("anyOf")
    };
    let members: Vec<&Yaml> = list.iter().filter(|m| !is_null_schema(m)).collect();
    match members.as_slice() {
        [one] => description(one),
        _ => None,
    }
}

/// The first paragraph of a description (a shared schema's doc, used for a field), or empty
/// when it opens with a code block.
fn first_paragraph(text: &str) -> String {
    let first = text.split("\n\n").next().unwrap_or_default().trim();
    if first.starts_with("```") {
        String::new()
    } else {
        first.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Field;

    fn fields_of(spec: &str, ty: &str) -> Vec<Field> {
        let doc = crate::spec::load(spec).unwrap();
        let api = lower(&doc, &Tables::default()).unwrap();
        let t = api.types.into_iter().find(|t| t.name == ty).unwrap();
        match t.kind {
            TypeKind::Struct(fields) => fields,
            other => panic!("{ty} is {other:?}"),
        }
    }

    #[test]
    fn field_docs_follow_wrappers_and_refs() {
        let spec = r##"
components:
  schemas:
    Shared:
      type: string
      description: "Shared doc.\n\nSecond paragraph."
    Thing:
      type: object
      properties:
        own:
          description: Own doc.
          allOf: [{$ref: "#/components/schemas/Shared"}]
        modifier:
          allOf: [{$ref: "#/components/schemas/Shared"}, {description: Modifier doc.}]
        nullable:
          anyOf: [{type: number, description: Member doc.}, {type: "null"}]
        referenced:
          anyOf: [{$ref: "#/components/schemas/Shared"}, {type: "null"}]
        union:
          anyOf: [{type: string, description: A string.}, {type: integer}]
"##;
        let docs: Vec<Option<String>> = fields_of(spec, "Thing")
            .into_iter()
            .map(|f| f.doc)
            .collect();
        let want = ["Own doc.", "Modifier doc.", "Member doc.", "Shared doc."];
        for (got, want) in docs.iter().zip(want) {
            assert_eq!(got.as_deref(), Some(want));
        }
        // A real union's members describe their variants, not the field.
        assert_eq!(docs[4], None);
    }
}
