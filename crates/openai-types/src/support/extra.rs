//! Fields a type does not name, and the bookkeeping for required fields that were missing.

use std::fmt;

use serde::ser::SerializeMap;
use serde_json::{Map, Value};

use super::FieldState;

/// The fields of a JSON object that its Rust type does not name, kept so that they are
/// readable ([`ExtraFields::get`]) and written back when the value is serialized.
///
/// It also remembers which required fields the payload left out or sent as `null`, so that
/// a round trip gives back the same JSON. Costs one pointer when empty.
#[derive(Clone, Default)]
pub struct ExtraFields {
    inner: Option<Box<Inner>>,
}

#[derive(Clone, Default)]
struct Inner {
    fields: Map<String, Value>,
    // Required fields that were missing (`false`) or `null` (`true`) on the wire.
    marks: Vec<(&'static str, bool)>,
    // The `x-request-id` of the response the value came from: metadata, not
    // JSON, so it takes no part in equality or serialization.
    request_id: Option<Box<str>>,
}

impl PartialEq for ExtraFields {
    // Equal when the JSON is: the request id is metadata.
    fn eq(&self, other: &Self) -> bool {
        fn marks(e: &ExtraFields) -> &[(&'static str, bool)] {
            e.inner.as_ref().map_or(&[], |i| i.marks.as_slice())
        }
        self.len() == other.len() && self.iter().eq(other.iter()) && marks(self) == marks(other)
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
        self.inner.as_ref()?.fields.get(name)
    }

    /// Adds or replaces an extra field; it is serialized after the named fields.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        self.inner_mut().fields.insert(name.into(), value)
    }

    /// Removes an extra field.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.inner.as_mut()?.fields.remove(name)
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

    /// The extra fields in key order.
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
        self.inner_mut().fields.insert(name, value);
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

impl fmt::Debug for ExtraFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
