//! Metadata the client attaches to a parsed response.

/// Implemented by top-level response types, which remember the server's
/// request id (`x-request-id`) next to their data. The id is not part of the
/// JSON: it is neither read nor written by serde.
///
/// Types that keep no id (such as [`serde_json::Value`]) use the default,
/// which ignores it; implement it for your own types the same way.
pub trait ResponseMeta {
    /// Stores the request id.
    fn set_request_id(&mut self, _id: &str) {}
}

impl ResponseMeta for serde_json::Value {}
impl ResponseMeta for String {}
impl ResponseMeta for () {}

/// Implements [`ResponseMeta`] for types with a `request_id: Option<String>` field.
macro_rules! response_meta {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::ResponseMeta for $ty {
            fn set_request_id(&mut self, id: &str) {
                self.request_id = Some(id.to_owned());
            }
        }
        impl $ty {
            /// The server's id of the request that returned this object
            /// (`x-request-id`), when it sent one.
            pub fn request_id(&self) -> Option<&str> {
                self.request_id.as_deref()
            }
        }
    )*};
}
pub(crate) use response_meta;
