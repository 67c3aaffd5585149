//! Handling errors (Python README: "Handling errors"): every call returns
//! `Result<T, openai::Error>`; match on the variant for the situation
//! (`Connection`, `Timeout`, `Api`, ...) and on `ApiError::kind()` (or
//! `status()`) for the class of an error status, Python's exception classes.
//!
//! ```text
//! cargo run --features fine-tuning --example error_handling
//! ```
//!
//! | status | Python | `ApiErrorKind` |
//! |---|---|---|
//! | 400 | `BadRequestError` | `BadRequest` |
//! | 401 | `AuthenticationError` | `Authentication` |
//! | 403 | `PermissionDeniedError` | `PermissionDenied` |
//! | 404 | `NotFoundError` | `NotFound` |
//! | 409 | `ConflictError` | `Conflict` |
//! | 422 | `UnprocessableEntityError` | `UnprocessableEntity` |
//! | 429 | `RateLimitError` | `RateLimit` |
//! | >= 500 | `InternalServerError` | `InternalServer` |
//! | none | `APIConnectionError` / `APITimeoutError` | `Error::Connection` / `Error::Timeout` |
//!
//! With `OPENAI_API_KEY` set it calls the real API, which rejects the
//! made-up training file; the rate limit is only shown against the mock.
//! Without it, it starts the bundled mock server in process and scripts a
//! 400, three 429s and a request that never gets an answer.

use std::error::Error as _;
use std::time::Duration;

use openai::prelude::*;
use openai::types::fine_tuning::JobCreateParams;
use openai::{ApiErrorKind, Error};
use openai_mock::Mock;

/// Prints what happened, as the README's `try`/`except` does, and returns
/// the outcome's name.
fn report<T>(result: &Result<T, Error>) -> &'static str {
    match result {
        Ok(_) => {
            println!("  succeeded");
            "ok"
        }
        Err(Error::Connection(e)) => {
            println!("  the server could not be reached: {e}");
            // Python's `e.__cause__`: the underlying error.
            if let Some(cause) = e.source() {
                println!("  caused by: {cause}");
            }
            "connection"
        }
        Err(Error::Timeout) => {
            println!("  the request timed out");
            "timeout"
        }
        Err(Error::Api(e)) if e.is_rate_limit() => {
            println!("  a 429 status code was received; we should back off a bit");
            "rate limit"
        }
        Err(Error::Api(e)) => {
            println!("  another non-2xx status code was received");
            println!("  status {} ({:?})", e.status(), e.kind());
            println!("  message: {}", e.message());
            println!(
                "  type {:?}, code {:?}, param {:?}, request id {:?}",
                e.error_type(),
                e.code(),
                e.param(),
                e.request_id()
            );
            match e.kind() {
                ApiErrorKind::BadRequest => "bad request",
                ApiErrorKind::NotFound => "not found",
                _ => "api",
            }
        }
        Err(other) => {
            println!("  another error: {other}");
            "other"
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;

    println!("a fine-tuning job on a file that does not exist:");
    if let Some(server) = &mock {
        server.enqueue(
            Mock::error(400)
                .error_message("invalid training_file: file-abc123")
                .error_param("training_file")
                .error_code("invalid_training_file"),
        );
    }
    let result = client
        .fine_tuning()
        .jobs()
        .create(JobCreateParams::new("gpt-4o-mini", "file-abc123"))
        .await;
    let outcome = report(&result);
    openai_examples::ensure(
        matches!(outcome, "bad request" | "not found"),
        "the made-up file must be rejected",
    )?;

    if let Some(server) = &mock {
        println!("three 429s in a row (the first try and both retries):");
        for _ in 0..3 {
            // A short retry-after-ms keeps the example fast.
            server.enqueue(Mock::error(429).header("retry-after-ms", "10"));
        }
        let before = server.requests().len();
        let result = client
            .chat()
            .completions()
            .create(ChatCompletionCreateParams::new(
                openai_examples::model(),
                [ChatMessage::user("Hi")],
            ))
            .await;
        openai_examples::ensure(report(&result) == "rate limit", "a rate limit error")?;
        println!("  after {} attempts", server.requests().len() - before);
    }

    println!("a server that is not there:");
    let closed = {
        // A port that was free a moment ago: nothing listens on it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.local_addr()?
    };
    let unreachable = Client::builder()
        .api_key("sk-unused")
        .base_url(format!("http://{closed}/v1"))
        .max_retries(0)
        .build()?;
    let result = unreachable
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user("Hi")],
        ))
        .await;
    openai_examples::ensure(report(&result) == "connection", "a connection error")?;

    println!("no answer in time:");
    let timeout = match &mock {
        Some(server) => {
            server.enqueue(Mock::stall());
            Duration::from_millis(200)
        }
        // Too short for any real round trip.
        None => Duration::from_millis(1),
    };
    let result = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user("Hi")],
        ))
        .timeout(timeout)
        .max_retries(0)
        .await;
    openai_examples::ensure(report(&result) == "timeout", "a timeout")?;
    Ok(())
}
