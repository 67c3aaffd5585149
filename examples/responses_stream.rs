//! The Responses stream helper: the events of a response as it streams,
//! the text accumulated so far, then the final response; the stream
//! re-opens itself if the connection is cut.
//!
//! ```text
//! cargo run --features responses --example responses_stream
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured). Without it, it starts the bundled mock
//! server in process and scripts a short stream for it to send.

use openai::prelude::*;
use openai::types::responses::{ResponseCreateParams, ResponseStreamEvent};
use openai_mock::Mock;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The real API with OPENAI_API_KEY, else the bundled mock (kept alive
    // for the whole run), which sends a scripted stream.
    let (client, mock) = openai_examples::client().await?;
    if let Some(server) = &mock {
        server.enqueue(scripted_stream());
    }
    let model = openai_examples::model();

    let params = ResponseCreateParams::new()
        .model(model.as_str())
        .input("Say this is a test");
    let mut stream = client
        .responses()
        .stream(params)
        .resume_on_disconnect(true)
        .await?;

    while let Some(event) = stream.next().await {
        match event? {
            ResponseStreamEvent::ResponseCreated(created) => {
                println!("response {} created", created.response.id);
            }
            ResponseStreamEvent::ResponseOutputTextDelta(delta) => {
                let so_far = stream
                    .current_output_text(delta.output_index, delta.content_index)
                    .unwrap_or_default();
                println!("+{:?} -> {so_far:?}", delta.delta);
            }
            ResponseStreamEvent::ResponseCompleted(_) => println!("completed"),
            _ => {}
        }
    }

    let response = stream.final_response().await?;
    println!("output text: {}", response.output_text());
    Ok(())
}

/// What the real API sends for a short answer, for the mock to replay.
fn scripted_stream() -> Mock {
    let response = |status: &str, output: Value| {
        json!({"id": "resp_mock", "object": "response", "created_at": 0, "model": "gpt-4o-mini",
            "status": status, "output": output, "parallel_tool_calls": true,
            "tool_choice": "auto", "tools": []})
    };
    let message = |status: &str, text: &str| {
        json!({"type": "message", "id": "msg_mock", "role": "assistant", "status": status,
            "content": [{"type": "output_text", "text": text, "annotations": []}]})
    };
    let delta = |text: &str| {
        json!({"type": "response.output_text.delta", "item_id": "msg_mock", "output_index": 0,
            "content_index": 0, "delta": text, "logprobs": []})
    };
    let events = [
        json!({"type": "response.created", "response": response("in_progress", json!([]))}),
        json!({"type": "response.output_item.added", "output_index": 0,
            "item": {"type": "message", "id": "msg_mock", "role": "assistant",
                "status": "in_progress", "content": []}}),
        json!({"type": "response.content_part.added", "item_id": "msg_mock", "output_index": 0,
            "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}}),
        delta("This is"),
        delta(" a test."),
        json!({"type": "response.output_text.done", "item_id": "msg_mock", "output_index": 0,
            "content_index": 0, "text": "This is a test.", "logprobs": []}),
        json!({"type": "response.output_item.done", "output_index": 0,
            "item": message("completed", "This is a test.")}),
        json!({"type": "response.completed",
            "response": response("completed", json!([message("completed", "This is a test.")]))}),
    ];
    Mock::sse_named(events.into_iter().enumerate().map(|(n, mut event)| {
        event["sequence_number"] = json!(n);
        (event["type"].as_str().unwrap_or_default().to_owned(), event)
    }))
    .without_done()
}
