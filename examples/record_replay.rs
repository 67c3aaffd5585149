//! Record real calls once, replay them in CI: `openai_mock::cassette`, a tower
//! layer beside the mock server. In record mode it passes each call on and
//! saves what was sent and answered in a JSON cassette (request headers,
//! and so the API key, are never saved); in replay mode it answers from the
//! cassette and sends nothing.
//!
//! ```text
//! cargo run --example record_replay                      # against the bundled mock
//! OPENAI_API_KEY=sk-... OPENAI_CASSETTE=record \
//!     cargo run --example record_replay                  # record the real API once
//! OPENAI_CASSETTE=replay cargo run --example record_replay   # replay, offline
//! ```
//!
//! With no key and no `OPENAI_CASSETTE`, it records against the bundled mock
//! into a temporary cassette, then replays it with a client whose server
//! does not exist.

use std::path::PathBuf;

use openai::prelude::*;
use openai_mock::cassette::{Cassette, Mode};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let messages = [ChatMessage::user("Say this is a test")];
    match Mode::from_env() {
        // Your own run: one mode, one cassette under `cassettes/`.
        Some(mode) => {
            let path = PathBuf::from("cassettes/record_replay.json");
            std::fs::create_dir_all("cassettes")?;
            let cassette = Cassette::open(&path, mode)?;
            let mut builder = openai::ClientBuilder::from_env().layer(cassette.layer());
            let has_key = std::env::var("OPENAI_API_KEY").is_ok_and(|k| !k.is_empty());
            let mut _server = None;
            if !has_key {
                if mode == Mode::Replay {
                    // Nothing is sent: any key does.
                    builder = builder.api_key("unused");
                } else {
                    let server = openai_mock::MockServer::start().await;
                    builder = builder.api_key("mock-key").base_url(server.url());
                    _server = Some(server);
                }
            }
            let client = builder.build()?;
            let params = ChatCompletionCreateParams::new(openai_examples::model(), messages);
            let completion = client.chat().completions().create(params).await?;
            println!("{mode:?}: {}", text(&completion));
            println!(
                "cassette: {} ({} interactions)",
                path.display(),
                cassette.len()
            );
        }
        None => {
            let (client, server) = openai_examples::client().await?;
            drop(client);
            let server = server.ok_or("set OPENAI_CASSETTE=record to record the real API")?;
            let path =
                std::env::temp_dir().join(format!("record_replay-{}.json", std::process::id()));
            let _ = std::fs::remove_file(&path);

            // 1. Record against the mock.
            let recorder = Cassette::open(&path, Mode::Record)?;
            let live = Client::builder()
                .api_key("sk-example-key")
                .base_url(server.url())
                .layer(recorder.layer())
                .build()?;
            let params =
                ChatCompletionCreateParams::new(openai_examples::model(), messages.clone());
            let recorded = live.chat().completions().create(params.clone()).await?;
            println!("recorded: {}", text(&recorded));

            let file = std::fs::read_to_string(&path)?;
            openai_examples::ensure(
                !file.contains("sk-example-key"),
                "the key is not in the cassette",
            )?;

            // 2. Replay with nothing listening: the cassette answers.
            let replayer = Cassette::open(&path, Mode::Replay)?;
            let offline = Client::builder()
                .api_key("unused")
                .base_url("http://127.0.0.1:9/v1")
                .max_retries(0)
                .layer(replayer.layer())
                .build()?;
            let replayed = offline.chat().completions().create(params).await?;
            println!("replayed: {}", text(&replayed));
            openai_examples::ensure(
                text(&replayed) == text(&recorded),
                "the replay is the recording",
            )?;
            openai_examples::ensure(server.requests().len() == 1, "the replay sent nothing")?;
            let _ = std::fs::remove_file(&path);
        }
    }
    Ok(())
}

fn text(completion: &ChatCompletion) -> String {
    completion
        .choices
        .first()
        .and_then(|c| c.message.content.clone().into_option())
        .unwrap_or_default()
}
