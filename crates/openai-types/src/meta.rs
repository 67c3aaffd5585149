//! Metadata the client attaches to a parsed response.

/// Implemented by response types, which remember the server's request id
/// (`x-request-id`) next to their data. The id is not part of the JSON: it is
/// neither read nor written by serde, and it takes no part in equality.
///
/// Every generated type that can arrive in an HTTP response implements it
/// (`value.request_id()` reads it back): the types an operation's response body
/// or stream events reach. Types that are only sent (request bodies, `*Params`)
/// and events that arrive outside an HTTP response (webhooks, the realtime
/// socket) have no request id, and neither implement this trait nor offer
/// `request_id()`. The events of a stream implement it too, but the stream
/// leaves their id unset: it is the stream's (`Stream::request_id()` in
/// openai-core), read once, which saves a copy per event. Types that keep no
/// id (such as [`serde_json::Value`]) use the default, which ignores it;
/// implement it for your own types the same way.
pub trait ResponseMeta {
    /// Stores the request id.
    fn set_request_id(&mut self, _id: &str) {}

    /// The top-level JSON fields this value kept without naming them, when it
    /// keeps them all ([`ExtraFields`](crate::ExtraFields)). Generated structs
    /// return them, unless they name a field `error` themselves; the default
    /// is `None`. The streaming client uses it to find an `error` payload in
    /// an event without scanning the event's text.
    fn unknown_fields(&self) -> Option<&crate::ExtraFields> {
        None
    }

    /// Decodes one JSON document of this type from text already checked as
    /// UTF-8. The default is `serde_json::from_str`; the generated event unions
    /// (`ResponseStreamEvent` and the other `…StreamEvent`s) give the same value
    /// faster, as [`FromJsonSlice`](crate::FromJsonSlice) does. The streaming
    /// client decodes each event with it.
    ///
    /// # Errors
    ///
    /// Those of `serde_json::from_str`: the text is not JSON, or not this type.
    fn from_json_str(text: &str) -> serde_json::Result<Self>
    where
        Self: Sized + serde::de::DeserializeOwned,
    {
        serde_json::from_str(text)
    }
}

impl ResponseMeta for serde_json::Value {}
impl ResponseMeta for String {}
impl ResponseMeta for () {}
