//! Streaming responses (Python README: "Streaming responses"): a chat
//! completion as server-sent events with `create_stream`, printed chunk by
//! chunk (Python's `create(..., stream=True)`).
//!
//! ```text
//! cargo run --example streaming
//! ```
//!
//! For typed events and the accumulated completion, see the `chat_stream`
//! example (the stream helper). With `OPENAI_API_KEY` set it calls the real
//! API (`OPENAI_BASE_URL` and `OPENAI_MODEL` are honoured). Without it, it
//! starts the bundled mock server in process, whose built-in model streams
//! the question back word by word.

use std::io::Write as _;

use openai::prelude::*;
use openai::types::ChatCompletionStreamOptions;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = openai_examples::client().await?;

    let params = ChatCompletionCreateParams::new(
        openai_examples::model(),
        [ChatMessage::user("Say this is a test")],
    )
    // Optional: one last chunk with the token usage and no choices.
    .stream_options(ChatCompletionStreamOptions::new().include_usage(true));
    // `create_stream` sets `"stream": true`; the stream is a
    // `futures::Stream` of `Result<ChatCompletionChunk, openai::Error>`.
    let mut stream = client.chat().completions().create_stream(params).await?;

    let mut chunks = 0;
    let mut text = String::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        chunks += 1;
        if let Some(choice) = chunk.choices.first() {
            let piece = choice.delta.content.as_deref().unwrap_or_default();
            print!("{piece}");
            std::io::stdout().flush()?;
            text.push_str(piece);
        }
        if let Some(usage) = chunk.usage.as_ref() {
            println!(
                "\n(usage: {} prompt + {} completion tokens)",
                usage.prompt_tokens, usage.completion_tokens
            );
        }
    }
    println!("{chunks} chunks, {} characters", text.len());
    openai_examples::ensure(!text.is_empty(), "an empty stream")?;
    Ok(())
}
