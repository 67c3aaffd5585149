//! Making custom/undocumented requests (Python README: "Undocumented
//! endpoints", "Undocumented request params", "Undocumented response
//! properties"): `client.get/post/put/patch/delete::<T>(path)` for any
//! path, with the client's retries, timeouts and headers; `.header`,
//! `.query` and `.extra_body` on any call for parameters the types do not
//! have (Python's `extra_headers`, `extra_query`, `extra_body`); and
//! `extra_fields()` for response fields the types do not name (Python's
//! `model_extra`).
//!
//! ```text
//! cargo run --example undocumented
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured): the made-up `/foo` endpoint then answers
//! 404, which the example prints. Without it, it starts the bundled mock
//! server in process, scripts `/foo` and an answer with an extra field, and
//! prints what the mock received.

use openai::prelude::*;
use openai_mock::Mock;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    if let Some(server) = &mock {
        server.mock_path(
            http::Method::POST,
            "/v1/foo",
            Mock::ok(json!({"foo": "bar"})).header("x-foo", "true"),
        );
    }

    // An undocumented endpoint: any path, any JSON body, read as `T`
    // (`serde_json::Value`, or a type of yours that derives Deserialize).
    let request = client.post::<Value>("/foo").body(json!({"my_param": true}));
    match request.with_raw_response().await {
        Ok(response) => {
            println!("x-foo: {:?}", response.headers().get("x-foo"));
            println!("/foo answered {}", response.parse()?);
        }
        Err(openai::Error::Api(e)) if mock.is_none() && e.is_not_found() => {
            println!("/foo: {} (the real API has no such endpoint)", e.status());
        }
        Err(e) => return Err(e.into()),
    }

    // Undocumented params on a documented call.
    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user("Say this is a test")],
        ))
        .header("x-my-header", "1")
        .query("my_query_param", "1")
        .extra_body(json!({"my_param": true}))
        .await;
    match completion {
        Ok(completion) => println!(
            "with extra params: {}",
            completion.choices[0]
                .message
                .content
                .as_deref()
                .unwrap_or_default()
        ),
        // The real API may refuse a body field it does not know.
        Err(openai::Error::Api(e)) if mock.is_none() => println!("with extra params: {e}"),
        Err(e) => return Err(e.into()),
    }
    if let Some(server) = &mock {
        let requests = server.requests();
        if let Some(sent) = requests.last() {
            println!(
                "the mock received {} ?{} x-my-header={:?} my_param={}",
                sent.path(),
                sent.query().unwrap_or_default(),
                sent.header("x-my-header"),
                sent.json()["my_param"]
            );
            openai_examples::ensure(
                sent.json()["my_param"] == json!(true)
                    && sent.query() == Some("my_query_param=1")
                    && sent.header("x-my-header") == Some("1"),
                "the extra params on the wire",
            )?;
        }
    }

    // Undocumented response fields: kept, readable, and written back.
    if let Some(server) = &mock {
        // An answer with a field no type names. (Queued answers come
        // before path mocks: queue it only now.)
        server.enqueue(Mock::ok(json!({
            "id": "chatcmpl-extra", "object": "chat.completion", "created": 1_700_000_000,
            "model": "gpt-4o-mini", "unknown_prop": {"since": "tomorrow"},
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                "message": {"role": "assistant", "content": "Hi", "refusal": null}}],
        })));
    }
    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user("Hi")],
        ))
        .await?;
    println!(
        "unknown_prop: {:?}",
        completion.extra_fields().get("unknown_prop")
    );
    for (name, value) in completion.extra_fields().iter() {
        println!("extra field {name} = {value}");
    }
    if mock.is_some() {
        openai_examples::ensure(
            completion.extra_fields().get("unknown_prop").is_some(),
            "the extra field is kept",
        )?;
    }
    Ok(())
}
