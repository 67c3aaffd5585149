//! Retries (Python README: "Retries"): connection errors, timeouts, 408,
//! 409, 429 and 5xx answers are retried twice by default, with a short
//! exponential backoff (or the server's `retry-after-ms` / `Retry-After`).
//! `max_retries` sets the number per client (`ClientBuilder::max_retries`,
//! `Client::with_options`) or per call (`.max_retries(n)` on the request).
//!
//! One difference from Python: a 429 whose error code is
//! `insufficient_quota` is not retried, since waiting cannot fix it.
//!
//! ```text
//! cargo run --example retries
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured), where calls rarely need a retry. Without
//! it, it starts the bundled mock server in process and scripts 500s before
//! the answer.

use openai::prelude::*;
use openai_mock::{Mock, MockServer};

/// `n` server errors, each asking for a 10 ms wait (keeps the example fast;
/// without the header the backoff starts at 0.5 s).
fn fail(server: Option<&MockServer>, n: usize) {
    if let Some(server) = server {
        for _ in 0..n {
            server.enqueue(Mock::error(500).header("retry-after-ms", "10"));
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    let mock = mock.as_ref();
    let params = || {
        ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user(
                "How can I get the name of the current day in Rust?",
            )],
        )
    };

    // The default: 2 retries. Two 500s, then the answer.
    fail(mock, 2);
    let raw = client
        .chat()
        .completions()
        .create(params())
        .with_raw_response()
        .await?;
    println!("default: answered after {} retries", raw.retries_taken());
    if mock.is_some() {
        openai_examples::ensure(raw.retries_taken() == 2, "two retries")?;
    }

    // No retries for this client (Python: OpenAI(max_retries=0)): the
    // first 500 is the result.
    let no_retries = client.with_options(RequestOptions::new().max_retries(0));
    fail(mock, 1);
    match no_retries.chat().completions().create(params()).await {
        Err(openai::Error::Api(e)) => {
            println!("max_retries(0): failed at once, status {}", e.status())
        }
        Err(other) => return Err(other.into()),
        Ok(_) => {
            println!("max_retries(0): answered");
            openai_examples::ensure(mock.is_none(), "the 500 should have been the result")?;
        }
    }

    // More for one call (Python: client.with_options(max_retries=5).chat...).
    fail(mock, 4);
    let raw = no_retries
        .chat()
        .completions()
        .create(params())
        .max_retries(5)
        .with_raw_response()
        .await?;
    println!(
        "max_retries(5) on the call: answered after {} retries",
        raw.retries_taken()
    );
    let completion = raw.parse()?;
    println!(
        "answer: {}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );

    if let Some(server) = mock {
        // Each attempt says which one it is.
        let counts: Vec<String> = server
            .requests()
            .iter()
            .map(|r| {
                r.header("x-stainless-retry-count")
                    .unwrap_or("-")
                    .to_owned()
            })
            .collect();
        println!(
            "x-stainless-retry-count of each request: {}",
            counts.join(" ")
        );
        openai_examples::ensure(server.requests().len() == 3 + 1 + 5, "nine requests")?;
    }
    Ok(())
}
