//! Logging (Python README: "Logging"): the SDK emits `tracing` events
//! (request, response, retry; no URLs, headers or bodies).
//! `openai::logging::init_from_env()` installs a subscriber that writes
//! them to standard error when `OPENAI_LOG` is `debug` or `info`, as
//! Python's `OPENAI_LOG` does. A program with its own `tracing` subscriber
//! sees the same events (targets `openai_core`, `openai_transport`).
//!
//! ```text
//! OPENAI_LOG=debug cargo run --example logging
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured). Without it, it starts the bundled mock
//! server in process and scripts a 503 first, so that the log shows a retry.

use openai::prelude::*;
use openai_mock::Mock;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // First thing in `main`.
    if openai::logging::init_from_env() {
        eprintln!("OPENAI_LOG is set: the SDK's events follow on standard error");
    } else {
        println!("OPENAI_LOG is not `debug` or `info`: nothing is logged (try OPENAI_LOG=debug)");
    }

    let (client, mock) = openai_examples::client().await?;
    if let Some(server) = &mock {
        server.enqueue(Mock::error(503).header("retry-after-ms", "10"));
    }
    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user("Say this is a test")],
        ))
        .await?;
    println!(
        "reply: {}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );
    Ok(())
}
