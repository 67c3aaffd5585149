//! Using types (Python README: "Using types", and "How to tell whether None
//! means null or missing"): requests and responses are plain Rust structs
//! that serialize with serde; `serde_json::to_string` is Python's
//! `model.to_json()` and `serde_json::to_value` its `model.to_dict()`; and
//! `field_state(name)` tells a field the server left out from one it sent as
//! `null` (Python's `model_fields_set`).
//!
//! ```text
//! cargo run --example using_types
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured). Without it, it starts the bundled mock
//! server in process and scripts a completion with one field `null` and one
//! left out.

use openai::prelude::*;
use openai::types::FieldState;
use openai_mock::Mock;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    if let Some(server) = &mock {
        // `service_tier` is null, `system_fingerprint` is missing, and
        // `my_field` is a field the types do not know.
        server.enqueue(Mock::ok(json!({
            "id": "chatcmpl-types", "object": "chat.completion", "created": 1_700_000_000,
            "model": "gpt-4o-mini", "service_tier": null, "my_field": null,
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                "message": {"role": "assistant", "content": "This is a test.", "refusal": null}}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
        })));
    }

    // Request params are typed too: setters for the optional fields, and
    // they serialize to exactly the JSON that is sent.
    let params = ChatCompletionCreateParams::new(
        openai_examples::model(),
        [ChatMessage::user("Say this is a test")],
    )
    .temperature(0.0)
    .max_completion_tokens(20);
    println!("request body: {}", serde_json::to_string(&params)?);

    let completion = client.chat().completions().create(params).await?;

    // Typed fields, with completion in the editor.
    let choice = &completion.choices[0];
    println!(
        "{} said {:?} (finish reason {})",
        completion.model,
        choice.message.content.as_deref().unwrap_or_default(),
        choice.finish_reason.as_str()
    );

    // to_json / to_dict: serde. Unknown fields are kept and written back.
    let text = serde_json::to_string(&completion)?;
    let value = serde_json::to_value(&completion)?;
    println!("to_string: {} characters", text.len());
    println!(
        "to_value: usage = {}",
        value.get("usage").cloned().unwrap_or_default()
    );
    let back: ChatCompletion = serde_json::from_str(&text)?;
    openai_examples::ensure(back == completion, "a JSON round trip changed the value")?;

    // Null or missing: optional fields are `Nullable` (Absent, Null or
    // Value), and `field_state` answers for any field, named or not.
    for field in ["service_tier", "system_fingerprint", "usage", "my_field"] {
        match completion.field_state(field) {
            FieldState::Missing => println!("{field}: missing (no such key in the JSON)"),
            FieldState::Null => println!("{field}: null (the key is there, its value null)"),
            FieldState::Present => println!("{field}: present"),
        }
    }
    if completion.service_tier.is_null() {
        println!("service_tier is Nullable::Null; is_absent() would tell it was missing");
    }
    if mock.is_some() {
        openai_examples::ensure(
            completion.field_state("service_tier") == FieldState::Null
                && completion.field_state("system_fingerprint") == FieldState::Missing
                && completion.field_state("my_field") == FieldState::Null,
            "field states of the scripted completion",
        )?;
    }
    Ok(())
}
