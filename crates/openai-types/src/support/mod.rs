//! Hand-written runtime support for the generated types.
//!
//! The generator (`cargo xtask codegen`) emits plain data types and refers to this module
//! for everything that is the same for every type: the absent/null/value tri-state
//! ([`Nullable`]), the map of fields a type does not name ([`ExtraFields`]), the sealed
//! unknown value of open enums ([`UnknownValue`]), and the serde plumbing (struct visitors,
//! union dispatch, `number` fields written as the server writes them, `f32` lists read from
//! floats or base64). Keeping it here, as ordinary tested Rust, keeps each generated type small.

mod de;
mod extra;
#[cfg(feature = "embeddings")]
mod floats;
mod nullable;
#[allow(
    dead_code,
    reason = "with few features on, no generated type may hold a `number`"
)]
mod number;
#[allow(
    dead_code,
    reason = "only the event unions scan for their tag; with their features off, none is compiled"
)]
mod scan;
mod union;
mod unknown;

pub use extra::ExtraFields;
pub use nullable::{FieldState, Nullable};
pub use scan::FromJsonSlice;
pub use unknown::UnknownValue;

#[allow(
    unused_imports,
    reason = "only request bodies use it; with no feature on, none is compiled"
)]
pub(crate) use de::required_strict;
pub(crate) use de::{
    DeStruct, Key, SerStruct, deserialize_struct, required, required_const, ser_const,
    ser_optional, ser_required,
};
#[cfg(feature = "embeddings")]
pub(crate) use floats::F32s;
#[allow(
    unused_imports,
    reason = "which of them the generated code uses depends on the features on"
)]
pub(crate) use number::{Num, ser_optional_number, ser_required_number};
#[allow(
    unused_imports,
    reason = "only the event unions use it; with their features off, none is compiled"
)]
pub(crate) use scan::{from_json_slice, from_json_str};
pub(crate) use union::{
    DeUnion, TagReplay, best_object_match, deserialize_union, parse_as, rest_to_value, tag_of,
};
pub(crate) use unknown::{open_enum, struct_serde};

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
