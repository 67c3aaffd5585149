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
