//! The Assistants run stream (deprecated upstream, still served): create a
//! run and read its events with the snapshots and an event handler
//! (Python's `client.beta.threads.runs.stream(..., event_handler=...)`).
//!
//! ```text
//! cargo run --features assistants --example assistant_stream
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (creating an assistant
//! and a thread, deleted at the end). Without it, it starts the bundled mock
//! server in process and scripts the run's events.
#![allow(deprecated, reason = "the Assistants API is deprecated upstream")]

use std::io::Write as _;

use openai::helpers::AssistantEventHandler;
use openai::prelude::*;
use openai::types::beta::AssistantCreateParams;
use openai::types::beta::threads::{
    AssistantStreamEvent, MessageContentItem, MessageContentTextObjectText, MessageCreateParams,
    MessageCreateParamsRole, MessageDeltaContentTextObjectText, RunCreateParams,
    ThreadCreateParams,
};
use openai_mock::{Mock, MockServer};
use serde_json::json;

/// Prints the text as it comes, and counts the text parts.
#[derive(Debug, Default)]
struct Printer {
    parts: usize,
}

impl AssistantEventHandler for Printer {
    fn on_text_created(&mut self, _text: &MessageContentTextObjectText) {
        print!("\nassistant > ");
    }

    fn on_text_delta(
        &mut self,
        delta: &MessageDeltaContentTextObjectText,
        _snapshot: &MessageContentTextObjectText,
    ) {
        print!("{}", delta.value.as_deref().unwrap_or_default());
        let _ = std::io::stdout().flush();
    }

    fn on_text_done(&mut self, _text: &MessageContentTextObjectText) {
        self.parts += 1;
        println!();
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    if let Some(server) = &mock {
        script_run(server);
    }

    let assistant = client
        .beta()
        .assistants()
        .create(
            AssistantCreateParams::new(openai_examples::model())
                .name("Math Tutor")
                .instructions("You are a personal math tutor. Answer briefly."),
        )
        .await?;
    let thread = client
        .beta()
        .threads()
        .create(ThreadCreateParams::new())
        .await?;
    client
        .beta()
        .threads()
        .messages()
        .create(
            &thread.id,
            MessageCreateParams::new(MessageCreateParamsRole::User, "What is 3x + 11 = 14?"),
        )
        .await?;

    let mut run = client
        .beta()
        .threads()
        .runs()
        .stream(
            &thread.id,
            RunCreateParams::new(&assistant.id)
                .instructions("Please address the user as Jane Doe."),
        )
        .event_handler(Printer::default())
        .await?;
    let mut events = 0;
    while let Some(event) = run.next().await {
        if let AssistantStreamEvent::ThreadRunCompleted(_) = event? {
            println!("(run completed)");
        }
        events += 1;
    }
    let final_run = run.final_run().await?;
    let messages = run.final_messages().await?;
    println!(
        "{events} events; run {} is {}; {} message(s), {} text part(s)",
        final_run.id,
        final_run.status.as_str(),
        messages.len(),
        run.handler().parts
    );
    if let Some(MessageContentItem::Text(text)) = messages[0].content.first() {
        println!("final text: {}", text.text.value);
    }

    if mock.is_none() {
        client.beta().threads().delete(&thread.id).await?;
        client.beta().assistants().delete(&assistant.id).await?;
    }
    Ok(())
}

/// The events the API would send for a one-message run.
fn script_run(server: &MockServer) {
    let run = |status: &str| {
        json!({"id": "run_1", "object": "thread.run", "created_at": 1, "thread_id": "thread_1",
               "assistant_id": "asst_1", "status": status, "model": "gpt-4o-mini",
               "instructions": "", "tools": [], "parallel_tool_calls": true})
    };
    let message = |status: &str, text: &str| {
        let content = if text.is_empty() {
            json!([])
        } else {
            json!([{"type": "text", "text": {"value": text, "annotations": []}}])
        };
        json!({"id": "msg_1", "object": "thread.message", "created_at": 1, "thread_id": "thread_1",
               "status": status, "role": "assistant", "content": content,
               "assistant_id": "asst_1", "run_id": "run_1", "attachments": [], "metadata": {}})
    };
    let delta = |text: &str| {
        json!({"id": "msg_1", "object": "thread.message.delta",
               "delta": {"content": [{"index": 0, "type": "text", "text": {"value": text}}]}})
    };
    let answer = "Jane Doe, subtract 11 from both sides: 3x = 3, so x = 1.";
    let mut events = vec![
        ("thread.run.created", run("queued")),
        ("thread.run.in_progress", run("in_progress")),
        ("thread.message.created", message("in_progress", "")),
    ];
    for word in answer.split_inclusive(' ') {
        events.push(("thread.message.delta", delta(word)));
    }
    events.push(("thread.message.completed", message("completed", answer)));
    events.push(("thread.run.completed", run("completed")));
    server.mock_path(
        http::Method::POST,
        "/v1/threads/{thread_id}/runs",
        Mock::sse_named(events),
    );
}
