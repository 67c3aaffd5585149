//! Async usage (Python README: "Async usage"): the client is async only and
//! cheap to clone, so concurrent calls need nothing more than the usual
//! tools: `tokio::try_join!` for a fixed few, `try_join_all` for a list, and
//! tasks spawned with a clone of the client.
//!
//! ```text
//! cargo run --example async_usage
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured). Without it, it starts the bundled mock
//! server in process, whose built-in model echoes each question.

use futures_util::future::try_join_all;
use openai::prelude::*;
use tokio::task::JoinSet;

/// One short question, answered.
async fn ask(client: &Client, question: &str) -> Result<String, openai::Error> {
    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user(question)],
        ))
        .await?;
    Ok(completion.choices[0]
        .message
        .content
        .as_deref()
        .unwrap_or_default()
        .to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;

    // One call: `.await` the request (Python: `await client.chat.completions.create(..)`).
    println!("one: {}", ask(&client, "Say this is a test").await?);

    // A fixed few at once: both run concurrently on this task.
    let (a, b) = tokio::try_join!(
        ask(&client, "Name a colour, one word"),
        ask(&client, "Name a fruit, one word"),
    )?;
    println!("try_join!: {a} | {b}");

    // A list at once, answers in the order of the questions.
    let questions = ["Say one", "Say two", "Say three", "Say four"];
    let answers = try_join_all(questions.iter().map(|q| ask(&client, q))).await?;
    println!("try_join_all: {answers:?}");

    // Tasks of their own: each takes a clone of the client (an `Arc`: the
    // clones share one connection pool).
    let mut tasks = JoinSet::new();
    for n in 1..=3 {
        let client = client.clone();
        tasks.spawn(async move { ask(&client, &format!("Task {n} reporting")).await });
    }
    let mut spawned = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        spawned.push(joined??);
    }
    spawned.sort();
    println!("spawned: {spawned:?}");

    if let Some(server) = &mock {
        let sent = server.requests().len();
        println!("the mock answered {sent} requests");
        openai_examples::ensure(sent == 1 + 2 + 4 + 3, "ten requests")?;
    }
    Ok(())
}
