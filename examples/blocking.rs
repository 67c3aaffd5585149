//! The blocking client (Python's synchronous `OpenAI`): the same resources
//! and names as the async client, `.send()` instead of `.await`, iterators
//! for streams and pages. No async runtime in sight.
//!
//! ```text
//! cargo run --features blocking --example blocking
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API; without it, it starts
//! the bundled mock server (on a runtime of its own, as a test would).

use openai::blocking::Client;
use openai::types::FileListParams;
use openai::types::chat::{ChatCompletionCreateParams, ChatMessage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The mock needs a runtime to serve from; the blocking client has its own.
    let mock_runtime = tokio::runtime::Runtime::new()?;
    let (client, mock) = match std::env::var("OPENAI_API_KEY") {
        Ok(key) if !key.is_empty() => (Client::from_env()?, None),
        _ => {
            let server = mock_runtime.block_on(openai_mock::MockServer::start());
            println!(
                "OPENAI_API_KEY is not set: using the bundled mock server at {}",
                server.url()
            );
            let client = openai::Client::builder()
                .api_key("mock-key")
                .base_url(server.url())
                .build_blocking()?;
            (client, Some(server))
        }
    };
    let model = openai_examples::model();

    // A call.
    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            model.clone(),
            [ChatMessage::user("Say this is a test")],
        ))
        .send()?;
    println!(
        "chat: {}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );

    // A stream, as an iterator.
    print!("stream: ");
    let stream = client
        .chat()
        .completions()
        .create_stream(ChatCompletionCreateParams::new(
            model.clone(),
            [ChatMessage::user("Counting one two three")],
        ))
        .send()?;
    for chunk in stream {
        if let Some(choice) = chunk?.choices.first() {
            print!("{}", choice.delta.content.as_deref().unwrap_or_default());
        }
    }
    println!();

    // The stream helper, then its final completion.
    let mut helper = client
        .chat()
        .completions()
        .stream(ChatCompletionCreateParams::new(
            model,
            [ChatMessage::user("And with the helper")],
        ))
        .send()?;
    let events = helper.by_ref().count();
    let done = helper.final_completion()?;
    println!(
        "helper: {events} events, final {:?}",
        done.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );

    // Every file of every page.
    for file in client
        .files()
        .list(FileListParams::new().limit(2))
        .auto_paging()
    {
        println!("file {}", file?.id);
    }
    drop(mock);
    Ok(())
}
