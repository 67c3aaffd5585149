//! The absent / null / value tri-state of optional and nullable fields.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that may be absent from the JSON object, present as `null`, or present with a value.
///
/// Every optional or nullable field of a generated type has this type, so a response tells
/// an omitted field from an explicit `null`, and a request can leave a field out
/// ([`Nullable::Absent`], the default), send it ([`Nullable::Value`]) or send an explicit
/// `null` ([`Nullable::Null`]).
///
/// ```
/// use openai_types::Nullable;
///
/// let content: Nullable<String> = Nullable::Value("hi".to_owned());
/// assert_eq!(content.as_deref(), Some("hi"));
/// assert!(Nullable::<String>::Null.is_null());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// The field is not in the object (and is not written when serializing).
    #[default]
    Absent,
    /// The field is present with the value `null`.
    Null,
    /// The field is present with a value.
    Value(T),
}

/// Whether a field was in a JSON object, and how: the answer of `field_state(name)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldState {
    /// The object does not have the field.
    Missing,
    /// The object has the field with the value `null`.
    Null,
    /// The object has the field with a non-null value.
    Present,
}

impl<T> Nullable<T> {
    /// `true` when the field is absent.
    pub const fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// `true` when the field is an explicit `null`.
    pub const fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// `true` when the field holds a value.
    pub const fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// The value, if there is one.
    pub const fn as_ref(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, mutably, if there is one.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value as an `Option`, forgetting the difference between absent and `null`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The dereferenced value (`Nullable<String>` gives `Option<&str>`).
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.as_ref().map(|v| &**v)
    }

    /// Maps the value, keeping absent and `null` as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(v) => Nullable::Value(f(v)),
        }
    }

    /// The state of the field, as `field_state` reports it.
    pub const fn state(&self) -> FieldState {
        match self {
            Self::Absent => FieldState::Missing,
            Self::Null => FieldState::Null,
            Self::Value(_) => FieldState::Present,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes an explicit `null`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => v.serialize(serializer),
            // NOTE: struct serializers skip `Absent`; here it can only be a nested position.
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor rather than `Option<T>` then `map`: the value is built in place, not
        // moved once more (these structs are large, and the move showed in profiles).
        deserializer.deserialize_option(NullableVisitor(PhantomData))
    }
}

struct NullableVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for NullableVisitor<T> {
    type Value = Nullable<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<Nullable<T>, E> {
        Ok(Nullable::Null)
    }

    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<Nullable<T>, E> {
        Ok(Nullable::Null)
    }

    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Nullable<T>, D::Error> {
        T::deserialize(d).map(Nullable::Value)
    }
}
