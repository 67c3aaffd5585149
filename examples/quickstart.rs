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

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The real API with OPENAI_API_KEY, else the bundled mock (kept alive
    // for the whole run).
    let (client, _mock) = openai_examples::client().await?;
    let model = openai_examples::model();
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
