//! Structured outputs: the model's answer read into your own type
//! (Python's `client.chat.completions.parse(response_format=Model)`), and a
//! function tool made from a type (`pydantic_function_tool`).
//!
//! ```text
//! cargo run --features structured-outputs --example structured_outputs
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API. Without it, it starts
//! the bundled mock server in process and scripts the two answers.

use openai::JsonSchema;
use openai::types::ChatCompletionTool;
use openai::types::chat::{ChatCompletionCreateParams, ChatMessage};
use openai_mock::Mock;
use serde::Deserialize;
use serde_json::json;

/// One step of the solution.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "openai::schemars")]
struct Step {
    explanation: String,
    output: String,
}

/// A worked solution: the steps first, then the answer.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "openai::schemars")]
struct MathResponse {
    steps: Vec<Step>,
    final_answer: String,
}

/// Look up the weather of a city.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "openai::schemars")]
struct GetWeather {
    city: String,
    /// `celsius` or `fahrenheit`; the city's usual one when absent.
    unit: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    if let Some(server) = &mock {
        let answer = json!({
            "steps": [
                {"explanation": "Subtract 7 from both sides.", "output": "8x = -30"},
                {"explanation": "Divide both sides by 8.", "output": "x = -3.75"},
            ],
            "final_answer": "x = -3.75",
        });
        server.enqueue(Mock::ok(completion(json!({
            "role": "assistant", "content": answer.to_string(), "refusal": null,
        }))));
        server.enqueue(Mock::ok(completion(json!({
            "role": "assistant", "content": null, "refusal": null,
            "tool_calls": [{"id": "call_1", "type": "function", "function": {
                "name": "get_weather", "arguments": "{\"city\":\"Paris\",\"unit\":null}"}}],
        }))));
    }

    // The answer as a MathResponse.
    let params = ChatCompletionCreateParams::new(
        openai_examples::model(),
        [
            ChatMessage::system("You are a helpful math tutor."),
            ChatMessage::user("Solve 8x + 7 = -23"),
        ],
    );
    let completion = client
        .chat()
        .completions()
        .parse::<MathResponse>(params)
        .await?;
    let message = &completion.choices[0].message;
    match (&message.parsed, message.refusal.as_ref()) {
        (Some(math), _) => {
            for (i, step) in math.steps.iter().enumerate() {
                println!("step {}: {} -> {}", i + 1, step.explanation, step.output);
            }
            println!("answer: {}", math.final_answer);
        }
        (None, Some(refusal)) => println!("refused: {refusal}"),
        (None, None) => println!("no answer"),
    }

    // A strict function tool from a type, its arguments read back into it.
    let params = ChatCompletionCreateParams::new(
        openai_examples::model(),
        [ChatMessage::user("What's the weather like in Paris?")],
    )
    .tools(vec![
        ChatCompletionTool::from_type::<GetWeather>("get_weather")?.into(),
    ]);
    let completion = client
        .chat()
        .completions()
        .parse::<MathResponse>(params)
        .await?;
    for call in completion.choices[0].message.tool_calls.iter().flatten() {
        let args: GetWeather = call.function.arguments_as()?;
        println!(
            "{} wants the weather of {} ({:?})",
            call.function.name, args.city, args.unit
        );
    }
    Ok(())
}

fn completion(message: serde_json::Value) -> serde_json::Value {
    json!({
        "id": "chatcmpl-example", "object": "chat.completion", "created": 1_700_000_000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": null}],
    })
}
