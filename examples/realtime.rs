//! Realtime over WebSocket (Python README: "Realtime API"):
//! `client.realtime().connect()`, typed events both ways.
//!
//! ```text
//! cargo run --example realtime
//! ```
//!
//! Without `OPENAI_API_KEY` it talks to the bundled mock's built-in Realtime
//! model; with a key, to the real API (`OPENAI_REALTIME_MODEL`, default
//! `gpt-realtime`). It asks for a text response and prints the text deltas.

use openai::prelude::*;
use openai::types::realtime::{
    RealtimeClientEvent, RealtimeClientEventSessionUpdateSession, RealtimeResponseCreateParams,
    RealtimeResponseCreateParamsOutputModality, RealtimeServerEvent,
};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = openai_examples::client().await?;
    let model = std::env::var("OPENAI_REALTIME_MODEL").unwrap_or_else(|_| "gpt-realtime".into());
    let mut connection = client.realtime().connect().model(&model).await?;

    // Client events are the generated union: build one from fields or JSON
    // and `send` it...
    let session: RealtimeClientEventSessionUpdateSession =
        serde_json::from_value(json!({"type": "realtime", "output_modalities": ["text"]}))?;
    let update: RealtimeClientEvent =
        openai::types::realtime::RealtimeClientEventSessionUpdate::new(session).into();
    connection.send(&update).await?;
    // ... or use the typed shortcut named after the event's type
    // (`response.create`): required fields as arguments, the others as setters.
    connection
        .response()
        .create()
        .response(
            RealtimeResponseCreateParams::default()
                .output_modalities([RealtimeResponseCreateParamsOutputModality::Text]),
        )
        .await?;

    let mut text = String::new();
    while let Some(event) = connection.next().await {
        match event? {
            RealtimeServerEvent::SessionCreated(_) => println!("session created"),
            RealtimeServerEvent::ResponseOutputTextDelta(delta) => {
                print!("{}", delta.delta);
                text.push_str(&delta.delta);
            }
            RealtimeServerEvent::ResponseDone(_) => {
                println!();
                break;
            }
            RealtimeServerEvent::Error(error) => return Err(format!("{error:?}").into()),
            _ => {}
        }
    }
    connection.close(1000, "done").await?;
    openai_examples::ensure(!text.is_empty(), "the response had text")?;
    Ok(())
}
