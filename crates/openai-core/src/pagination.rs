//! List responses.
//!
//! [`Page`] is the single-page list of `reference/pagination.md` (Python's
//! `SyncPage`, used by `models.list`): `data` and `object`, with no next
//! page. Cursor pages come with the resources that use them.

use serde::{Deserialize, Serialize};

use openai_types::ResponseMeta;

/// A list that fits in one response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>", serialize = "T: Serialize"))]
pub struct Page<T> {
    /// The items.
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    /// Always `list`.
    #[serde(default)]
    pub object: String,
    /// Fields this type does not name.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    #[serde(skip)]
    request_id: Option<String>,
}

impl<T> Page<T> {
    /// Always `false`: the list is complete.
    pub fn has_next_page(&self) -> bool {
        false
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl<T> ResponseMeta for Page<T> {
    fn set_request_id(&mut self, id: &str) {
        self.request_id = Some(id.to_owned());
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}
