//! Serde plumbing shared by every generated struct: the borrowed map key, the struct
//! visitor, and the rules for required fields.
//!
//! # Required fields that are missing
//!
//! Compatible servers leave out fields the spec marks required (`object`, `created`,
//! `status`, ...) or send them as `null`. A response-side type does not reject such a
//! payload: the field gets its constant (for single-value fields such as `object`) or its
//! type's `Default` (empty string, `0`, empty list, an empty `Unknown` enum value), the
//! type's `field_state` reports `Missing` or `Null`, and serializing writes the field back
//! the way it came (left out, or `null`) as long as it still holds that filler value.
//! Request bodies with required fields (the `*Params` types, which have no `Default`)
//! reject a payload that lacks them.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::{ExtraFields, Nullable};

/// A map key, borrowed from the input when the deserializer allows it.
#[derive(Debug)]
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl Key<'_> {
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    #[inline]
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A generated struct that deserializes from a JSON object field by field.
pub(crate) trait DeStruct: Sized {
    /// The type name, for error messages.
    const NAME: &'static str;

    /// Reads the fields of one object; unknown keys go to the extra fields.
    fn visit_fields<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// A generated struct that serializes its fields (named and extra) into a map.
pub(crate) trait SerStruct {
    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: DeStruct> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_fields(map)
    }
}

pub(crate) fn deserialize_struct<'de, D: Deserializer<'de>, T: DeStruct>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(StructVisitor(PhantomData))
}

/// A required field of a response-side type: missing or `null` gives `Default` (see the
/// module docs).
#[inline]
pub(crate) fn required<T: Default>(
    value: Nullable<T>,
    extra: &mut ExtraFields,
    name: &'static str,
) -> T {
    match value {
        Nullable::Value(v) => v,
        Nullable::Absent => {
            extra.set_mark(name, false);
            T::default()
        }
        Nullable::Null => {
            extra.set_mark(name, true);
            T::default()
        }
    }
}

/// A required single-value field (`object: "list"`): the constant, borrowed, when the
/// payload holds it (the common case, which allocates nothing); any other string is kept;
/// missing or `null` gives the constant.
#[inline]
pub(crate) fn required_const(
    value: Nullable<Key<'_>>,
    extra: &mut ExtraFields,
    name: &'static str,
    constant: &'static str,
) -> Cow<'static, str> {
    match value {
        Nullable::Value(v) if v.as_str() == constant => Cow::Borrowed(constant),
        Nullable::Value(v) => Cow::Owned(v.into_string()),
        Nullable::Absent => {
            extra.set_mark(name, false);
            Cow::Borrowed(constant)
        }
        Nullable::Null => {
            extra.set_mark(name, true);
            Cow::Borrowed(constant)
        }
    }
}

/// A required field of a request body: missing or `null` is an error.
#[allow(
    dead_code,
    reason = "only request bodies use it; with no feature on, none is compiled"
)]
pub(crate) fn required_strict<T, E: de::Error>(
    value: Nullable<T>,
    name: &'static str,
) -> Result<T, E> {
    match value {
        Nullable::Value(v) => Ok(v),
        _ => Err(E::missing_field(name)),
    }
}

/// Writes a required field, unless it was missing (or `null`) on the wire and still holds
/// its filler.
#[inline]
pub(crate) fn ser_required<M: SerializeMap, T: Serialize + PartialEq + Default>(
    map: &mut M,
    extra: &ExtraFields,
    name: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    match extra.mark(name) {
        Some(null) if *value == T::default() => {
            if null {
                map.serialize_entry(name, &())?;
            }
            Ok(())
        }
        _ => map.serialize_entry(name, value),
    }
}

/// Writes a required single-value field (see [`ser_required`]).
#[inline]
pub(crate) fn ser_const<M: SerializeMap>(
    map: &mut M,
    extra: &ExtraFields,
    name: &'static str,
    value: &str,
    constant: &str,
) -> Result<(), M::Error> {
    match extra.mark(name) {
        Some(null) if value == constant => {
            if null {
                map.serialize_entry(name, &())?;
            }
            Ok(())
        }
        _ => map.serialize_entry(name, value),
    }
}

/// Writes an optional field unless it is absent.
#[inline]
pub(crate) fn ser_optional<M: SerializeMap, T: Serialize>(
    map: &mut M,
    name: &'static str,
    value: &Nullable<T>,
) -> Result<(), M::Error> {
    match value {
        Nullable::Absent => Ok(()),
        Nullable::Null => map.serialize_entry(name, &()),
        Nullable::Value(v) => map.serialize_entry(name, v),
    }
}
