//! Deserialization of generated unions (`oneOf` / `anyOf`).
//!
//! # How a union picks its variant
//!
//! 1. Tagged unions (a `type`, `role`, `object` or `event` field with a distinct constant
//!    per variant): the keys before the tag are buffered (usually none, or just `id`), the
//!    variant is chosen from the tag, and the rest of the object streams into it. A known
//!    tag whose payload does not fit its variant is an error (the stream cannot be rewound);
//!    an unknown tag, or no tag, falls through to the rules below.
//! 2. Otherwise by JSON kind: a string goes to the first string variant (constant variants
//!    only match their value), a number to the first integer variant when it is an integer,
//!    else to the first number variant, an array to the first array variant that accepts it.
//! 3. An object without a usable tag goes to the variant all of whose required fields it
//!    has and which names most of its keys (first in spec order on a tie); if none has all
//!    its required fields, the one naming most keys.
//! 4. Whatever matches nothing, or fails to parse as the chosen variant, is kept as
//!    `Unknown(raw JSON)` instead of failing, and serializes back unchanged.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::Key;

/// A generated union.
pub(crate) trait DeUnion: Sized {
    /// The type name, for error messages.
    const NAME: &'static str;
    /// The tag field, when the union is tagged.
    const TAG: Option<&'static str> = None;

    /// Builds the variant for `tag` from the rest of the object (tag replayed first).
    fn from_tagged<'de, A: MapAccess<'de>>(
        tag: &str,
        map: TagReplay<'de, A>,
    ) -> Result<Self, A::Error> {
        let _ = tag;
        Self::from_value(rest_to_value(map)?)
    }

    /// Picks the variant of an already buffered value; never fails (`Unknown` holds the
    /// rest). Generic over the error type only so that it is compiled where it is used.
    fn from_value<E: de::Error>(value: Value) -> Result<Self, E>;

    /// Decodes the variant for `tag` (found in the bytes beforehand, see `scan`) from
    /// `deserializer`, which holds the whole object tag and all, into `slot` (a slot
    /// rather than a return value, as in `deserialize_union`: the event unions are
    /// hundreds of bytes); `None` when the union leaves that tag to the general path (an
    /// unknown one, or any tag of a union that does not scan).
    fn from_tag_bytes<'de, D: Deserializer<'de>>(
        tag: &[u8],
        deserializer: D,
        slot: &mut Option<Self>,
    ) -> Option<Result<(), D::Error>> {
        let _ = (tag, deserializer, slot);
        None
    }
}

pub(crate) fn deserialize_union<'de, D: Deserializer<'de>, T: DeUnion>(
    deserializer: D,
) -> Result<T, D::Error> {
    // The value comes back through a slot rather than through the deserializer's return
    // value: serde_json moves a visitor's value three or four times on its way out, and a
    // union is as large as its largest variant (hundreds of bytes for the event unions).
    let mut slot = None;
    deserializer.deserialize_any(UnionVisitor(&mut slot))?;
    slot.ok_or_else(|| de::Error::custom(format_args!("no {} value was read", T::NAME)))
}

/// Reads the rest of a map into a JSON value.
pub(crate) fn rest_to_value<'de, A: MapAccess<'de>>(map: A) -> Result<Value, A::Error> {
    Value::deserialize(MapAccessDeserializer::new(map))
}

/// The string value of `tag` in an object.
pub(crate) fn tag_of<'a>(value: &'a Value, tag: &str) -> Option<&'a str> {
    value.as_object()?.get(tag)?.as_str()
}

/// Rule 3 of the module docs: `candidates[i]` is (required fields, all fields) of variant `i`.
pub(crate) fn best_object_match(value: &Value, candidates: &[(&[&str], &[&str])]) -> Option<usize> {
    let obj = value.as_object()?;
    let score = |known: &[&str]| obj.keys().filter(|k| known.contains(&k.as_str())).count();
    let mut best: Option<(bool, usize, usize)> = None;
    for (i, (required, known)) in candidates.iter().enumerate() {
        let complete = required.iter().all(|r| obj.contains_key(*r));
        let s = score(known);
        let better = match best {
            None => true,
            Some((bc, bs, _)) => (complete, s) > (bc, bs),
        };
        if better {
            best = Some((complete, s, i));
        }
    }
    best.and_then(|(complete, s, i)| (complete || s > 0).then_some(i))
}

/// A map that replays entries already read (the keys before the tag, then the tag),
/// followed by the rest of `inner`.
///
/// Its stage says what comes next, so that once the tag is replayed each key and value
/// costs one comparison on the way to `inner` (the usual object has no key before its
/// tag, or just `id`).
#[derive(Debug)]
pub(crate) struct TagReplay<'de, A> {
    stage: Stage,
    /// The keys before the tag, in order, not yet replayed.
    prefix: std::vec::IntoIter<(Cow<'de, str>, Value)>,
    /// The value of the prefix key just replayed.
    pending: Value,
    key: &'static str,
    tag: Cow<'de, str>,
    inner: A,
}

/// What [`TagReplay`] gives next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The next prefix key, or the tag's key once they are all replayed.
    Prefix,
    /// The value of the prefix key just given (`pending`).
    PrefixValue,
    /// The tag's value.
    TagValue,
    /// Everything from `inner`.
    Inner,
}

impl<'de, A> TagReplay<'de, A> {
    fn new(
        prefix: Vec<(Cow<'de, str>, Value)>,
        key: &'static str,
        tag: Cow<'de, str>,
        inner: A,
    ) -> Self {
        Self {
            stage: Stage::Prefix,
            prefix: prefix.into_iter(),
            pending: Value::Null,
            key,
            tag,
            inner,
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TagReplay<'de, A> {
    type Error = A::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.stage {
            Stage::Inner => self.inner.next_key_seed(seed),
            // A key asked for again before the tag's value skips that value.
            Stage::TagValue => {
                self.stage = Stage::Inner;
                self.inner.next_key_seed(seed)
            }
            Stage::Prefix | Stage::PrefixValue => match self.prefix.next() {
                Some((k, v)) => {
                    self.pending = v;
                    self.stage = Stage::PrefixValue;
                    seed.deserialize(CowStr::<A::Error>::new(k)).map(Some)
                }
                None => {
                    self.stage = Stage::TagValue;
                    seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(self.key))
                        .map(Some)
                }
            },
        }
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.stage {
            Stage::Inner => self.inner.next_value_seed(seed),
            Stage::TagValue => {
                self.stage = Stage::Inner;
                seed.deserialize(CowStr::<A::Error>::new(std::mem::take(&mut self.tag)))
            }
            Stage::PrefixValue => {
                self.stage = Stage::Prefix;
                seed.deserialize(std::mem::take(&mut self.pending))
                    .map_err(de::Error::custom)
            }
            Stage::Prefix => Err(de::Error::custom("a map value asked for before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        let replayed = match self.stage {
            Stage::Prefix | Stage::PrefixValue => self.prefix.len() + 1,
            Stage::TagValue | Stage::Inner => 0,
        };
        self.inner.size_hint().map(|n| n + replayed)
    }
}

/// A string (borrowed when possible) as a deserializer that also serves `Option<T>`.
struct CowStr<'de, E> {
    value: Cow<'de, str>,
    marker: PhantomData<E>,
}

impl<'de, E> CowStr<'de, E> {
    fn new(value: Cow<'de, str>) -> Self {
        Self {
            value,
            marker: PhantomData,
        }
    }
}

impl<'de, E: de::Error> Deserializer<'de> for CowStr<'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The value of a tag field: a string (borrowed when possible) or anything else.
enum TagValue<'de> {
    Str(Cow<'de, str>),
    Other(Value),
}

impl<'de> Deserialize<'de> for TagValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TagVisitor;

        impl<'de> Visitor<'de> for TagVisitor {
            type Value = TagValue<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Str(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Str(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Str(Cow::Owned(v)))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::Bool(v)))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::from(v)))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::from(v)))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::from(v)))
            }

            fn visit_unit<E: de::Error>(self) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::Null))
            }

            fn visit_none<E: de::Error>(self) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::Null))
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<TagValue<'de>, D::Error> {
                TagValue::deserialize(d)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TagValue<'de>, A::Error> {
                Ok(TagValue::Other(Value::deserialize(
                    SeqAccessDeserializer::new(seq),
                )?))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TagValue<'de>, A::Error> {
                Ok(TagValue::Other(rest_to_value(map)?))
            }
        }

        deserializer.deserialize_any(TagVisitor)
    }
}

/// Reads a union into its slot.
struct UnionVisitor<'a, T>(&'a mut Option<T>);

impl<T> UnionVisitor<'_, T> {
    fn put<E>(self, value: Result<T, E>) -> Result<(), E> {
        *self.0 = Some(value?);
        Ok(())
    }
}

impl<'de, T: DeUnion> Visitor<'de> for UnionVisitor<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} value", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.put(union_from_map(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.put(T::from_value(Value::deserialize(
            SeqAccessDeserializer::new(seq),
        )?))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.put(T::from_value(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.put(T::from_value(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.put(T::from_value(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.put(T::from_value(Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.put(T::from_value(Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        self.put(T::from_value(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.put(T::from_value(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.put(T::from_value(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// Rule 1 of the module docs, and rule 3 for an object without a usable tag.
fn union_from_map<'de, A: MapAccess<'de>, T: DeUnion>(mut map: A) -> Result<T, A::Error> {
    let Some(tag) = T::TAG else {
        return T::from_value(rest_to_value(map)?);
    };
    // Keys before the tag are buffered (usually none, or just `id`); from the tag on, the
    // object streams into the chosen variant.
    let mut prefix = Vec::new();
    while let Some(key) = map.next_key::<Key<'de>>()? {
        if key.as_str() != tag {
            prefix.push((key.0, map.next_value()?));
            continue;
        }
        match map.next_value::<TagValue<'de>>()? {
            TagValue::Str(value) => {
                let replay = TagReplay::new(prefix, tag, value.clone(), map);
                return T::from_tagged(&value, replay);
            }
            TagValue::Other(value) => {
                prefix.push((key.0, value));
                return buffer_rest(prefix, map);
            }
        }
    }
    T::from_value(Value::Object(into_map(prefix)))
}

/// The entries before the tag as a JSON object.
fn into_map(prefix: Vec<(Cow<'_, str>, Value)>) -> Map<String, Value> {
    prefix
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v))
        .collect()
}

fn buffer_rest<'de, A: MapAccess<'de>, T: DeUnion>(
    prefix: Vec<(Cow<'de, str>, Value)>,
    mut map: A,
) -> Result<T, A::Error> {
    let mut obj = into_map(prefix);
    while let Some((k, v)) = map.next_entry::<String, Value>()? {
        obj.insert(k, v);
    }
    T::from_value(Value::Object(obj))
}

/// Parses a buffered value as `T` when `applies`, else `None` (the caller then tries the
/// next variant).
pub(crate) fn parse_as<T: serde::de::DeserializeOwned>(value: &Value, applies: bool) -> Option<T> {
    if applies {
        T::deserialize(value).ok()
    } else {
        None
    }
}
