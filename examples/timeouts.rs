//! Timeouts (Python README: "Timeouts"): each attempt has 10 minutes by
//! default. Set another limit per client (`ClientBuilder::timeout`, plus
//! `connect_timeout` and `idle_timeout` for streams: Python's
//! `httpx.Timeout(60.0, read=5.0, connect=2.0)`), or per call
//! (`.timeout(d)`). A timeout gives `openai::Error::Timeout`, after the
//! retries: timed-out attempts are retried twice by default.
//!
//! ```text
//! cargo run --example timeouts
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured) with a per-call limit too short for any
//! answer. Without it, it starts the bundled mock server in process and
//! scripts a slow answer and one that never comes.

use std::time::Duration;

use openai::prelude::*;
use openai_mock::Mock;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    let params = || {
        ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user(
                "How can I list all files in a directory using Rust?",
            )],
        )
    };

    // A limit for every call of a client (Python: OpenAI(timeout=20.0)),
    // with finer ones for connecting and for streams going quiet.
    let configured = match &mock {
        Some(server) => openai::Client::builder()
            .api_key("mock-key")
            .base_url(server.url()),
        None => openai::ClientBuilder::from_env(),
    }
    .timeout(Duration::from_secs(20))
    .connect_timeout(Duration::from_secs(2))
    .idle_timeout(Duration::from_secs(5))
    .build()?;
    println!("client: {configured:?}");

    // The first attempt stalls; the retry gets the answer. Each attempt has
    // its own limit, here 300 ms for this call.
    if let Some(server) = &mock {
        server.enqueue(Mock::stall());
    }
    let raw = configured
        .chat()
        .completions()
        .create(params())
        .timeout(Duration::from_millis(300))
        .with_raw_response()
        .await;
    match raw {
        Ok(raw) => println!(
            "300 ms per attempt: answered after {} retries",
            raw.retries_taken()
        ),
        Err(e) if e.is_timeout() && mock.is_none() => println!("300 ms per attempt: {e}"),
        Err(e) => return Err(e.into()),
    }

    // No retry: the timeout is the result.
    let limit = match &mock {
        Some(server) => {
            server.enqueue(Mock::chat_completion("too late").delay(Duration::from_secs(5)));
            Duration::from_millis(200)
        }
        None => Duration::from_millis(1),
    };
    let result = client
        .chat()
        .completions()
        .create(params())
        .timeout(limit)
        .max_retries(0)
        .await;
    match result {
        Err(openai::Error::Timeout) => println!("{limit:?}, no retries: timed out"),
        Err(other) => return Err(other.into()),
        Ok(_) => openai_examples::ensure(false, "an answer within the limit")?,
    }

    // A copy of the client with another default (Python:
    // client.with_options(timeout=5.0)); it shares the connection pool.
    let patient = client.with_options(RequestOptions::new().timeout(Duration::from_secs(5)));
    let completion = patient.chat().completions().create(params()).await?;
    println!(
        "5 s: {}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );
    Ok(())
}
