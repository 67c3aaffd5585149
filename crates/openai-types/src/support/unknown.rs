//! The sealed value of an open enum's `Unknown` variant, and the macros that give generated
//! enums and structs their serde impls.

use std::fmt;

/// A string an open enum does not know (yet): a value the API added after this SDK was
/// generated, or one an OpenAI-compatible server made up.
///
/// It is readable ([`UnknownValue::as_str`]) but cannot be built outside this crate, so
/// `Unknown` never stands in for a known variant: matching on known variants stays correct
/// when a later SDK version learns the value. Match forward-compatibly with a wildcard arm,
/// or compare `as_str()` of the enum.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct UnknownValue(String);

impl UnknownValue {
    pub(crate) const fn new(value: String) -> Self {
        Self(value)
    }

    /// The raw string as it appeared on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Trait impls of a generated open enum. The enum provides `as_str(&self) -> &str` and
/// `known(&str) -> Option<Self>`, and has an `Unknown(UnknownValue)` variant.
macro_rules! open_enum {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <crate::support::Key<'de> as ::serde::Deserialize>::deserialize(d)?;
                Ok(Self::from(s.0))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| {
                    Self::Unknown(crate::support::UnknownValue::new(value.to_owned()))
                })
            }
        }

        impl From<&String> for $name {
            fn from(value: &String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::known(&value)
                    .unwrap_or_else(|| Self::Unknown(crate::support::UnknownValue::new(value)))
            }
        }

        impl From<::std::borrow::Cow<'_, str>> for $name {
            fn from(value: ::std::borrow::Cow<'_, str>) -> Self {
                Self::known(&value).unwrap_or_else(|| {
                    Self::Unknown(crate::support::UnknownValue::new(value.into_owned()))
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

/// `Serialize` and `Deserialize` of a generated struct through its `SerStruct` and
/// `DeStruct` impls (a visitor, so no buffering of the object).
macro_rules! struct_serde {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = s.serialize_map(None)?;
                crate::support::SerStruct::serialize_fields(self, &mut map)?;
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::support::deserialize_struct(d)
            }
        }
    };
}

pub(crate) use open_enum;
pub(crate) use struct_serde;
