//! Nested params (Python README: "Nested params"): nested request objects
//! are typed structs and enums, here the `response_format` of a chat
//! completion asking for a JSON object.
//!
//! ```text
//! cargo run --example nested_params
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured). Without it, it starts the bundled mock
//! server in process and scripts a JSON answer.

use openai::prelude::*;
use openai::types::ResponseFormatJsonObject;
use openai_mock::Mock;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    if let Some(server) = &mock {
        server.enqueue(Mock::chat_completion(
            json!({"name": "banana", "color": "yellow", "taste": "sweet"}).to_string(),
        ));
    }

    // Python: response_format={"type": "json_object"}. Each nested object
    // has its own type; `response_format` takes any of the union's variants.
    let params = ChatCompletionCreateParams::new(
        openai_examples::model(),
        [ChatMessage::user(
            "Can you generate an example json object describing a fruit?",
        )],
    )
    .response_format(ResponseFormatJsonObject::new());
    println!(
        "sent response_format: {}",
        serde_json::to_value(&params)?["response_format"]
    );

    let completion = client.chat().completions().create(params).await?;
    let content = completion.choices[0]
        .message
        .content
        .as_deref()
        .unwrap_or_default();
    let fruit: Value = serde_json::from_str(content)?;
    println!("the model's JSON object: {fruit}");
    openai_examples::ensure(fruit.is_object(), "the answer is not a JSON object")?;

    if let Some(server) = &mock {
        let sent = server
            .requests()
            .last()
            .map(|r| r.json())
            .unwrap_or_default();
        openai_examples::ensure(
            sent["response_format"] == json!({"type": "json_object"}),
            "response_format on the wire",
        )?;
    }
    Ok(())
}
