//! The module-level client (Python's `openai.api_key = ...` then
//! `openai.chat.completions.create(...)`): process-wide settings and a
//! client built from them on first use. Meant for scripts; programs should
//! build a `Client` and pass it around.
//!
//! ```text
//! cargo run --example module_client
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (the key comes from the
//! environment); without it, it points the module client at the bundled
//! mock server.

use std::time::Duration;

use openai::global;
use openai::types::chat::{ChatCompletionCreateParams, ChatMessage};
use openai_mock::MockServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = match std::env::var("OPENAI_API_KEY") {
        Ok(key) if !key.is_empty() => None,
        _ => Some(MockServer::start().await),
    };
    if let Some(server) = &mock {
        println!(
            "OPENAI_API_KEY is not set: using the bundled mock server at {}",
            server.url()
        );
        // optional; defaults to the environment's OPENAI_API_KEY
        global::set_api_key("mock-key");
        global::set_base_url(server.url());
    }
    // Every client option has a module-level setter.
    global::set_default_header("x-foo", "true");
    global::set_max_retries(3);
    global::set_timeout(Duration::from_secs(30));

    let completion = global::client()
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user(
                "How do I output all files in a directory using Python?",
            )],
        ))
        .await?;
    println!(
        "{}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );

    // A changed setting applies from the next use on.
    global::set_default_header("x-foo", "false");
    let models = global::client().models().list().await?;
    println!("{} models", models.data.len());
    Ok(())
}
