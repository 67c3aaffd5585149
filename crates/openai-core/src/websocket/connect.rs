//! The `connect()` entry points on the resources.

#[cfg(any(
    feature = "realtime",
    feature = "responses",
    feature = "beta-responses"
))]
use super::Connect;

#[cfg(feature = "realtime")]
use openai_types::realtime::{RealtimeClientEvent, RealtimeServerEvent};
#[cfg(feature = "responses")]
use openai_types::responses::{ResponsesClientEvent, ResponsesServerEvent};

/// A Realtime connection: [`RealtimeClientEvent`]s out,
/// [`RealtimeServerEvent`]s in.
#[cfg(feature = "realtime")]
pub type RealtimeConnection = super::Connection<RealtimeClientEvent, RealtimeServerEvent>;

/// A Responses WebSocket-mode connection: [`ResponsesClientEvent`]s out,
/// [`ResponsesServerEvent`]s in.
#[cfg(feature = "responses")]
pub type ResponsesConnection = super::Connection<ResponsesClientEvent, ResponsesServerEvent>;

#[cfg(feature = "realtime")]
impl<'a> crate::resources::realtime::Realtime<'a> {
    /// Opens a Realtime WebSocket connection (`reference/helpers.md` (e)):
    /// `<base>/realtime`, the client's credential, no `OpenAI-Beta` header.
    /// Set `.model(..)`, `.call_id(..)`, `.query(..)`, `.header(..)`, then
    /// `.await`.
    ///
    /// ```no_run
    /// # async fn run(client: openai_core::Client) -> Result<(), openai_core::Error> {
    /// use futures_util::StreamExt;
    ///
    /// let mut connection = client.realtime().connect().model("gpt-realtime").await?;
    /// while let Some(event) = connection.next().await {
    ///     println!("{:?}", event?);
    /// }
    /// # Ok(()) }
    /// # let _ = run;
    /// ```
    pub fn connect(&self) -> Connect<'a, RealtimeClientEvent, RealtimeServerEvent> {
        Connect::new(self.client, "/realtime")
    }
}

#[cfg(feature = "realtime")]
impl<'a> crate::resources::beta::realtime::Realtime<'a> {
    /// The legacy beta Realtime connection: as
    /// [`client.realtime().connect()`](crate::resources::realtime::Realtime::connect),
    /// with `OpenAI-Beta: realtime=v1`.
    pub fn connect(&self) -> Connect<'a, RealtimeClientEvent, RealtimeServerEvent> {
        Connect::new(self.client, "/realtime").header("openai-beta", "realtime=v1")
    }
}

#[cfg(feature = "responses")]
impl<'a> crate::resources::responses::Responses<'a> {
    /// Opens a Responses WebSocket-mode connection (`<base>/responses`): send
    /// `response.create` events, receive the events the SSE stream carries.
    pub fn connect(&self) -> Connect<'a, ResponsesClientEvent, ResponsesServerEvent> {
        Connect::new(self.client, "/responses")
    }
}

/// A beta Responses WebSocket-mode connection (`response.create` and
/// `response.inject` out).
#[cfg(feature = "beta-responses")]
pub type BetaResponsesConnection = super::Connection<
    openai_types::beta::responses::BetaResponsesClientEvent,
    openai_types::beta::responses::BetaResponsesServerEvent,
>;

#[cfg(feature = "beta-responses")]
impl<'a> crate::resources::beta::responses::Responses<'a> {
    /// The beta Responses WebSocket-mode connection: as
    /// [`client.responses().connect()`](crate::resources::responses::Responses::connect),
    /// with the beta event unions.
    pub fn connect(
        &self,
    ) -> Connect<
        'a,
        openai_types::beta::responses::BetaResponsesClientEvent,
        openai_types::beta::responses::BetaResponsesServerEvent,
    > {
        Connect::new(self.client, "/responses")
    }
}

#[cfg(feature = "responses")]
impl ResponsesConnection {
    /// Reads events until the response in flight ends and returns the
    /// response of its `response.completed`, accumulated as the SSE stream
    /// helper accumulates (Python's `get_final_response`). Call it after
    /// sending `response.create`, before reading that response's events;
    /// to see the events as they come, read the connection instead and feed
    /// each to a
    /// [`ResponseStreamState::handle_websocket_event`](crate::helpers::ResponseStreamState::handle_websocket_event).
    ///
    /// # Errors
    ///
    /// The connection's errors; an `error` event is [`Error::Api`](crate::Error::Api) (as in
    /// an SSE stream); [`Error::Stream`](crate::Error::Stream)
    /// ([`EndedEarly`](crate::error::StreamErrorKind::EndedEarly)) after
    /// `response.failed` or `response.incomplete`, or when the connection
    /// closes first; ([`OutOfOrder`](crate::error::StreamErrorKind::OutOfOrder))
    /// when the first event read is not `response.created`.
    pub async fn final_response(
        &mut self,
    ) -> Result<openai_types::responses::Response, crate::Error> {
        use crate::error::{ApiError, StreamError, StreamErrorKind};
        use crate::helpers::ResponseStreamState;
        use openai_types::responses::ResponsesServerEvent as E;

        let ended_early = || crate::Error::Stream(StreamError::new(StreamErrorKind::EndedEarly));
        let mut state = ResponseStreamState::new();
        while let Some(event) = self.recv().await {
            let event = event?;
            match &event {
                E::Error(error) => {
                    let raw = serde_json::to_vec(error).unwrap_or_default();
                    let payload = serde_json::to_value(&error.error).unwrap_or_default();
                    let request_id = self.request_id().map(str::to_owned);
                    return Err(crate::Error::Api(ApiError::from_stream(
                        payload,
                        request_id,
                        raw.into(),
                    )));
                }
                E::ResponseFailed(_) | E::ResponseIncomplete(_) => return Err(ended_early()),
                _ => {}
            }
            state.handle_websocket_event(&event)?;
            if let Some(completed) = state.completed() {
                return Ok(completed.clone());
            }
        }
        Err(ended_early())
    }
}
