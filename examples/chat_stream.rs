//! The chat stream helper: typed events as the answer streams, then the
//! accumulated completion.
//!
//! ```text
//! cargo run --example chat_stream
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured). Without it, it starts the bundled mock
//! server in process, whose built-in model streams the question back.

use openai::prelude::*;
use openai::types::ChatCompletionStreamOptions;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The real API with OPENAI_API_KEY, else the bundled mock (kept alive
    // for the whole run).
    let (client, _mock) = openai_examples::client().await?;
    let model = openai_examples::model();

    let params = ChatCompletionCreateParams::new(
        &model,
        [ChatMessage::user("Say this is a test, in five words")],
    )
    // The last chunk then carries the token usage.
    .stream_options(ChatCompletionStreamOptions::new().include_usage(true));
    let mut stream = client.chat().completions().stream(params).await?;

    while let Some(event) = stream.next().await {
        match event? {
            ChatCompletionStreamEvent::ContentDelta(delta) => print!("{}", delta.delta),
            ChatCompletionStreamEvent::ContentDone(_) => println!(),
            ChatCompletionStreamEvent::RefusalDone(refusal) => {
                println!("refused: {}", refusal.refusal);
            }
            ChatCompletionStreamEvent::FunctionToolCallArgumentsDone(call) => {
                println!("tool call {}({})", call.name, call.arguments);
            }
            _ => {}
        }
    }

    let completion = stream.final_completion().await?;
    println!(
        "finish reason: {}",
        completion.choices[0].finish_reason.as_str()
    );
    if let Some(usage) = completion.usage.as_ref() {
        println!(
            "tokens: {} prompt + {} completion",
            usage.prompt_tokens, usage.completion_tokens
        );
    }
    println!("request id: {}", completion.request_id().unwrap_or("-"));
    Ok(())
}
