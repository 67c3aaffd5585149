//! Field types the spec cannot express, chosen by hand: (type, JSON field) -> a Rust type
//! and the support reader the struct visitor parses it with.

use crate::ir::{Custom, TypeDef, TypeKind};

/// The overrides. Each names a struct (its Rust name) and one of its JSON fields.
const FIELD_OVERRIDES: &[(&str, &str, Custom)] = &[
    // The API sends an embedding as an array of numbers or, with
    // `encoding_format: "base64"` (the Python SDK's default), as a base64 string of
    // little-endian f32s; both read into `Vec<f32>` (support/floats.rs).
    (
        "Embedding",
        "embedding",
        Custom {
            rust: "Vec<f32>",
            reader: "F32s",
        },
    ),
];

/// Applies [`FIELD_OVERRIDES`]; a row that names no field is an error, so a spec change
/// that renames one does not silently drop it.
pub(crate) fn apply(types: &mut [TypeDef]) -> Result<(), String> {
    for (ty, wire, custom) in FIELD_OVERRIDES {
        let field = types
            .iter_mut()
            .filter(|t| t.name == *ty)
            .find_map(|t| match &mut t.kind {
                TypeKind::Struct(fields) => fields.iter_mut().find(|f| f.wire == *wire),
                _ => None,
            })
            .ok_or_else(|| {
                format!("the field type overrides name `{ty}.{wire}`, which does not exist")
            })?;
        field.custom = Some(*custom);
    }
    Ok(())
}
