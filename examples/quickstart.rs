//! The quickstart: one chat completion, then the same question streamed.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured). Without it, it starts the bundled mock
//! server in process, which answers by echoing the question.

use openai::prelude::*;
use openai_mock::MockServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the mock alive for the whole run when it is used.
    let (client, _mock) = match std::env::var("OPENAI_API_KEY") {
        Ok(key) if !key.is_empty() => (Client::from_env()?, None),
        _ => {
            let server = MockServer::start().await;
            println!(
                "OPENAI_API_KEY is not set: using the bundled mock server at {}",
                server.url()
            );
            let client = Client::builder()
                .api_key("mock-key")
                .base_url(server.url())
                .build()?;
            (client, Some(server))
        }
    };
    let model = std::env::var("OPENAI_MODEL").unwrap_or_else(|_| "gpt-4o-mini".to_owned());
    let question = "Say this is a test";

    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            &model,
            [ChatMessage::user(question)],
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
    println!("request id: {}", completion.request_id().unwrap_or("-"));

    print!("streamed: ");
    let mut stream = client
        .chat()
        .completions()
        .create_stream(ChatCompletionCreateParams::new(
            &model,
            [ChatMessage::user(question)],
        ))
        .await?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if let Some(choice) = chunk.choices.first() {
            print!("{}", choice.delta.content.as_deref().unwrap_or_default());
        }
    }
    println!();
    Ok(())
}
