//! Request IDs (Python README: "Request IDs"): every response object keeps
//! the `x-request-id` of the response it came from, `request_id()` (Python's
//! `_request_id`), and so do errors, raw responses, pages and streams; log
//! it with failed requests to report them to OpenAI.
//!
//! ```text
//! cargo run --example request_ids
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured), asking for a model that does not exist for
//! the error. Without it, it starts the bundled mock server in process
//! (whose ids read `req_mock_<n>`) and scripts the error.

use openai::prelude::*;
use openai_mock::Mock;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    let params = || {
        ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user("Say this is a test")],
        )
    };

    // On a response object. The id is metadata: not part of its JSON.
    let completion = client.chat().completions().create(params()).await?;
    let id = completion.request_id();
    println!("completion.request_id(): {}", id.unwrap_or("-"));
    openai_examples::ensure(id.is_some(), "a request id on the completion")?;

    // On a raw response, before parsing.
    let raw = client
        .chat()
        .completions()
        .create(params())
        .with_raw_response()
        .await?;
    println!("raw.request_id(): {}", raw.request_id().unwrap_or("-"));

    // On a stream (the id of the streaming response), before any event.
    let stream = client.chat().completions().create_stream(params()).await?;
    println!(
        "stream.request_id(): {}",
        stream.request_id().unwrap_or("-")
    );
    openai_examples::ensure(stream.request_id().is_some(), "a request id on the stream")?;
    drop(stream);

    // On an error: the id to quote when reporting it.
    if let Some(server) = &mock {
        server.enqueue(
            Mock::error(404)
                .error_message("The model `no-such-model` does not exist")
                .error_code("model_not_found"),
        );
    }
    let result = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            "no-such-model",
            [ChatMessage::user("Hi")],
        ))
        .await;
    match result {
        Err(openai::Error::Api(e)) => {
            println!(
                "error {} ({}): request id {}",
                e.status(),
                e.code().unwrap_or("-"),
                e.request_id().unwrap_or("-")
            );
            openai_examples::ensure(e.request_id().is_some(), "a request id on the error")?;
        }
        Err(other) => return Err(other.into()),
        Ok(_) => openai_examples::ensure(false, "the unknown model was accepted")?,
    }
    Ok(())
}
