//! Fields a type does not name, and the bookkeeping for required fields that were missing.

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::FieldState;

/// The fields of a JSON object that its Rust type does not name, kept so that they are
/// readable ([`ExtraFields::get`]) and written back when the value is serialized.
///
/// The fields keep the order they came in (a later duplicate key replaces the earlier
/// value in place). `ExtraFields` serializes as a JSON object of them, in that order, like
/// the Python SDK's `model_extra`: handy to log what the types do not know yet.
///
/// It also remembers which required fields the payload left out or sent as `null`, so that
/// a round trip gives back the same JSON. Costs one pointer when empty.
#[derive(Clone, Default)]
pub struct ExtraFields {
    inner: Option<Box<Inner>>,
}

#[derive(Clone, Default)]
struct Inner {
    // A list, not a map: it keeps the wire order, and objects rarely carry more than a
    // few unknown fields, for which a scan beats a tree or a hash.
    fields: Vec<(String, Value)>,
    // Required fields that were missing (`false`) or `null` (`true`) on the wire.
    marks: Vec<(&'static str, bool)>,
    // The `x-request-id` of the response the value came from: metadata, not
    // JSON, so it takes no part in equality or serialization.
    request_id: Option<Box<str>>,
}

impl PartialEq for ExtraFields {
    // Equal when the JSON is: key order does not count (a value parsed from text and one
    // parsed from a `serde_json::Value` see different orders), and the request id is
    // metadata.
    fn eq(&self, other: &Self) -> bool {
        fn marks(e: &ExtraFields) -> &[(&'static str, bool)] {
            e.inner.as_ref().map_or(&[], |i| i.marks.as_slice())
        }
        self.len() == other.len()
            && self.iter().all(|(k, v)| other.get(k) == Some(v))
            && marks(self) == marks(other)
    }
}

impl ExtraFields {
    /// An empty set of extra fields.
    #[inline]
    pub const fn new() -> Self {
        Self { inner: None }
    }

    /// The value of the extra field `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let inner = self.inner.as_ref()?;
        inner.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Adds or replaces an extra field; it is serialized after the named fields.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        let name = name.into();
        let fields = &mut self.inner_mut().fields;
        match fields.iter_mut().find(|(k, _)| *k == name) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                fields.push((name, value));
                None
            }
        }
    }

    /// Removes an extra field.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let fields = &mut self.inner.as_mut()?.fields;
        let at = fields.iter().position(|(k, _)| k == name)?;
        Some(fields.remove(at).1)
    }

    /// The request id recorded with [`set_request_id`](Self::set_request_id).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.as_ref()?.request_id.as_deref()
    }

    /// Records the request id of the response the value came from.
    pub fn set_request_id(&mut self, id: &str) {
        self.inner_mut().request_id = Some(id.into());
    }

    /// The number of extra fields.
    pub fn len(&self) -> usize {
        self.inner.as_ref().map_or(0, |i| i.fields.len())
    }

    /// `true` when there are no extra fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The extra fields in the order they came in (or were inserted).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.inner
            .iter()
            .flat_map(|i| i.fields.iter().map(|(k, v)| (k.as_str(), v)))
    }

    /// The state of the extra field `name`.
    pub fn state(&self, name: &str) -> FieldState {
        match self.get(name) {
            None => FieldState::Missing,
            Some(Value::Null) => FieldState::Null,
            Some(_) => FieldState::Present,
        }
    }

    /// The state of a required field: present unless the payload left it out or sent `null`.
    pub(crate) fn required_state(&self, name: &str) -> FieldState {
        match self.mark(name) {
            None => FieldState::Present,
            Some(false) => FieldState::Missing,
            Some(true) => FieldState::Null,
        }
    }

    #[inline]
    pub(crate) fn mark(&self, name: &str) -> Option<bool> {
        let inner = self.inner.as_ref()?;
        inner
            .marks
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, null)| *null)
    }

    pub(crate) fn set_mark(&mut self, name: &'static str, null: bool) {
        self.inner_mut().marks.push((name, null));
    }

    pub(crate) fn insert_key(&mut self, name: String, value: Value) {
        self.insert(name, value);
    }

    /// Writes the extra fields into a map being serialized.
    #[inline]
    pub(crate) fn serialize_into<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        if let Some(inner) = &self.inner {
            for (k, v) in &inner.fields {
                map.serialize_entry(k, v)?;
            }
        }
        Ok(())
    }

    fn inner_mut(&mut self) -> &mut Inner {
        self.inner.get_or_insert_with(Box::default)
    }
}

/// A JSON object of the extra fields, in their order. The required-field marks and the
/// request id are not fields and are left out.
impl Serialize for ExtraFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        self.serialize_into(&mut map)?;
        map.end()
    }
}

impl fmt::Debug for ExtraFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn serializes_as_an_object_in_wire_order() {
        let mut extra = ExtraFields::new();
        assert_eq!(serde_json::to_string(&extra).unwrap(), "{}");
        extra.insert_key("zeta".to_owned(), json!(1));
        extra.insert_key("alpha".to_owned(), json!({"b": [true]}));
        extra.set_mark("object", true);
        extra.set_request_id("req_1");
        assert_eq!(
            serde_json::to_string(&extra).unwrap(),
            r#"{"zeta":1,"alpha":{"b":[true]}}"#
        );
    }

    #[test]
    fn a_later_duplicate_replaces_in_place() {
        let mut extra = ExtraFields::new();
        extra.insert_key("a".to_owned(), json!(1));
        extra.insert_key("b".to_owned(), json!(2));
        assert_eq!(extra.insert("a", json!(3)), Some(json!(1)));
        assert_eq!(
            serde_json::to_value(&extra).unwrap(),
            json!({"a": 3, "b": 2})
        );
        let keys: Vec<&str> = extra.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(extra.remove("a"), Some(json!(3)));
        assert_eq!(extra.len(), 1);
    }

    #[test]
    fn equality_ignores_order_and_request_id() {
        let mut a = ExtraFields::new();
        a.insert("x", json!(1));
        a.insert("y", json!(2));
        let mut b = ExtraFields::new();
        b.insert("y", json!(2));
        b.insert("x", json!(1));
        b.set_request_id("req_1");
        assert_eq!(a, b);
        b.insert("x", json!(0));
        assert_ne!(a, b);
    }
}
