//! Accessing raw response data (Python README: "Accessing raw response data
//! (e.g. headers)" and ".with_streaming_response"): `.with_raw_response()`
//! on any call gives the status, headers, request id and retry count, and
//! `parse()` then gives what the call would have returned;
//! `.with_streaming_response()` returns as soon as the headers arrive and
//! leaves the body unread, to read whole, line by line, as bytes, or into a
//! file.
//!
//! ```text
//! cargo run --example raw_responses
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured). Without it, it starts the bundled mock
//! server in process and scripts an answer with an `x-my-header`.

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
    if let Some(server) = &mock {
        server.enqueue(Mock::chat_completion("This is a test.").header("x-my-header", "hello"));
    }

    // The headers first, the parsed value when asked for.
    let response = client
        .chat()
        .completions()
        .create(params())
        .with_raw_response()
        .await?;
    println!(
        "status {}, x-my-header {:?}, request id {:?}, {} retries",
        response.status(),
        response.headers().get("x-my-header"),
        response.request_id(),
        response.retries_taken()
    );
    // The other headers are there too: rate limits, processing time, ...
    if let Some(ms) = response.headers().get("openai-processing-ms") {
        println!("openai-processing-ms: {ms:?}");
    }
    let completion = response.parse()?; // what `create(..).await` returns
    println!(
        "parsed: {}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );

    // The body as it arrives: here the lines of the JSON body. The
    // connection is released once the body is read or the response dropped.
    let response = client
        .chat()
        .completions()
        .create(params())
        .with_streaming_response()
        .await?;
    println!(
        "streaming response: status {}, content-type {:?}",
        response.status(),
        response.headers().get("content-type")
    );
    let mut lines = response.lines();
    let mut count = 0;
    while let Some(line) = lines.next().await {
        let line = line?;
        count += 1;
        if count <= 3 {
            println!("  line {count}: {}", &line[..line.len().min(80)]);
        }
    }
    println!("  {count} line(s)");

    // Or read it whole, as text or bytes, as JSON, or parsed: one of them,
    // once (each consumes the response).
    let response = client
        .chat()
        .completions()
        .create(params())
        .with_streaming_response()
        .await?;
    let value: serde_json::Value = response.json().await?;
    println!("json(): object = {}", value["object"]);
    let completion = client
        .chat()
        .completions()
        .create(params())
        .with_streaming_response()
        .await?
        .parse()
        .await?;
    println!("parse(): {} choice(s)", completion.choices.len());
    openai_examples::ensure(count > 0, "an empty body")?;
    Ok(())
}
