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
