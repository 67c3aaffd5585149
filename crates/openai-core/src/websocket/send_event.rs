//! One client event about to be sent: what the typed shortcuts return.

use std::fmt;
use std::pin::Pin;

use serde::Serialize;

use super::Connection;
use crate::error::{Error, InvalidRequestError};

/// A client event about to be sent on a connection, returned by the typed
/// shortcuts (`connection.response().create()`): set its optional fields
/// with the setters (`.event_id(..)`, and one per field of the event), then
/// `.await` it to send.
///
/// ```no_run
/// # async fn run(mut connection: openai_core::websocket::RealtimeConnection) -> Result<(), openai_core::Error> {
/// connection.response().create().event_id("my-event").await?;
/// connection.conversation().item().delete("item_123").await?;
/// # Ok(()) }
/// # let _ = run;
/// ```
#[must_use = "an event is sent only when awaited"]
pub struct SendEvent<'c, E> {
    connection: &'c mut (dyn SendText + 'c),
    event: E,
}

impl<'c, E> SendEvent<'c, E> {
    #[cfg_attr(
        not(any(
            feature = "realtime",
            feature = "responses",
            feature = "beta-responses"
        )),
        allow(dead_code, reason = "no connection with shortcuts")
    )]
    pub(crate) fn new<C: 'c, S: 'c>(connection: &'c mut Connection<C, S>, event: E) -> Self
    where
        Connection<C, S>: SendText,
    {
        Self { connection, event }
    }

    /// The event as it will be sent.
    pub fn event(&self) -> &E {
        &self.event
    }

    /// The event, to change before it is sent.
    pub fn event_mut(&mut self) -> &mut E {
        &mut self.event
    }

    /// Replaces the event with `f(event)` (the event types' own chainable
    /// setters fit: `.map(|e| e.event_id("x"))`).
    pub fn map(mut self, f: impl FnOnce(E) -> E) -> Self {
        self.event = f(self.event);
        self
    }
}

impl<E: fmt::Debug> fmt::Debug for SendEvent<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendEvent")
            .field("event", &self.event)
            .finish_non_exhaustive()
    }
}

impl<'c, E: Serialize + Send + 'c> IntoFuture for SendEvent<'c, E> {
    type Output = Result<(), Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        let text = to_text(&self.event);
        let connection = self.connection;
        Box::pin(async move { connection.send_text(text?).await })
    }
}

/// An event as the text frame it is sent in.
pub(super) fn to_text<T: Serialize + ?Sized>(event: &T) -> Result<String, Error> {
    serde_json::to_string(event).map_err(|e| {
        Error::InvalidRequest(InvalidRequestError::new(format!(
            "the event does not serialize: {e}"
        )))
    })
}

/// Sends a text frame on a connection, whatever its event types.
pub(crate) trait SendText: Send {
    /// [`Connection::send_raw`].
    fn send_text(
        &mut self,
        text: String,
    ) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + '_>>;
}

impl<C, S> SendText for Connection<C, S>
where
    Connection<C, S>: Send,
{
    fn send_text(
        &mut self,
        text: String,
    ) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + '_>> {
        Box::pin(self.send_raw(text))
    }
}

#[cfg(feature = "realtime")]
impl<'c> crate::generated::websocket::realtime::InputAudioBuffer<'c> {
    /// Sends `input_audio_buffer.append` with `audio` as raw bytes (in the
    /// session's input format, PCM16 by default), base64-encoded once,
    /// straight into the event.
    pub fn append_audio(
        self,
        audio: &[u8],
    ) -> SendEvent<'c, openai_types::realtime::RealtimeClientEventInputAudioBufferAppend> {
        SendEvent::new(
            self.connection,
            openai_types::realtime::RealtimeClientEventInputAudioBufferAppend::from_audio(audio),
        )
    }
}
