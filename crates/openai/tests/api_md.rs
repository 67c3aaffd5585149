//! `API.md`'s snippets, as code: the names there are the contract that
//! examples, docs and outside checks use, so each snippet is written here
//! with the same names and must compile. The snippets that need a server
//! run against `openai-mock`; the others are compiled, not run (they would
//! need a real thread, assistant or file).

use std::path::Path;
use std::time::Duration;

use openai::prelude::*;
use openai::types::chat::ResponseFormat;
use openai::types::fine_tuning::{FineTuningJob, JobListParams};
use openai::types::{FileCreateParams, FilePurpose};
use openai::{JsonSchema, RequestOptions};
use openai_mock::{Mock, MockServer};
use serde::Deserialize;
use serde_json::{Value, json};

/// A client on the mock, as the "Client" and "Testing" sections build it.
fn client(server: &MockServer) -> openai::Client {
    openai::Client::builder()
        .api_key("sk-...")
        .base_url(server.url())
        .organization("org_...")
        .project("proj_...")
        .max_retries(0)
        .timeout(Duration::from_secs(20))
        .connect_timeout(Duration::from_secs(2))
        .default_header("x-foo", "true")
        .build()
        .expect("the client builds")
}

#[tokio::test]
async fn calls_options_raw_responses_and_fields() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let client = client(&server).with_options(RequestOptions::new().max_retries(5));
    let params =
        || ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Say this is a test")]);

    // Calls.
    let completion = client.chat().completions().create(params()).await?;
    println!(
        "{}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );
    assert!(completion.request_id().is_some());
    client
        .chat()
        .completions()
        .create(params())
        .timeout(Duration::from_secs(5))
        .max_retries(5)
        .header("x-my-header", "1")
        .query("my_param", "1")
        .extra_body(json!({"my_param": true}))
        .idempotency_key("abc")
        .await?;
    let sent = server.requests().last().cloned().expect("a request");
    assert_eq!(sent.header("x-my-header"), Some("1"));
    assert_eq!(sent.header("idempotency-key"), Some("abc"));
    assert_eq!(sent.query(), Some("my_param=1"));

    // Structured output: `ResponseFormat::JsonObject` stays available.
    let json_mode = params().response_format(ResponseFormat::JsonObject);
    assert_eq!(
        serde_json::to_value(&json_mode)?["response_format"],
        json!({"type": "json_object"})
    );

    // Raw and streamed responses.
    let raw = client
        .chat()
        .completions()
        .create(params())
        .with_raw_response()
        .await?;
    let _ = raw.headers().get("x-my-header");
    assert_eq!(raw.status(), 200);
    let _ = (raw.request_id(), raw.retries_taken());
    let completion = raw.parse()?;
    let resp = client
        .chat()
        .completions()
        .create(params())
        .with_streaming_response()
        .await?;
    let mut lines = resp.lines();
    assert!(lines.next().await.is_some());

    // Undocumented endpoints and fields.
    server.enqueue(Mock::ok(json!({"ok": true})));
    let v: Value = client.post("/foo").body(json!({"my_param": true})).await?;
    assert_eq!(v["ok"], true);
    let _ = completion.extra_fields();
    let _ = completion.field_state("my_field");
    serde_json::to_string(&completion)?;

    // Testing your own code: a queued answer and an error.
    server.enqueue(Mock::chat_completion("Hello!"));
    server.enqueue(Mock::error(429).header("retry-after-ms", "10"));
    let hello = client.chat().completions().create(params()).await?;
    assert_eq!(hello.choices[0].message.content.as_deref(), Some("Hello!"));
    let limited = client
        .chat()
        .completions()
        .create(params())
        .max_retries(0)
        .await;
    assert!(matches!(limited, Err(openai::Error::Api(e)) if e.is_rate_limit()));
    Ok(())
}

#[tokio::test]
async fn streaming_and_vision() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let client = client(&server);
    let bytes = b"\x89PNG".to_vec();
    let params = || {
        ChatCompletionCreateParams::new(
            "gpt-4o",
            [ChatMessage::user([
                ContentPart::text("What is in this image?"),
                ContentPart::image_url("https://example.com/a.png"),
                ContentPart::image_bytes("image/png", &bytes),
            ])],
        )
    };
    let mut stream = client.chat().completions().create_stream(params()).await?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if let Some(choice) = chunk.choices.first() {
            print!("{}", choice.delta.content.as_deref().unwrap_or_default());
        }
    }
    let mut stream = client.chat().completions().stream(params()).await?;
    while let Some(event) = stream.next().await {
        event?;
    }
    let final_completion = stream.final_completion().await?;
    assert!(!final_completion.choices.is_empty());
    Ok(())
}

#[derive(Deserialize, JsonSchema)]
#[schemars(crate = "openai::schemars")]
#[allow(dead_code, reason = "read by the structured-output snippet")]
struct Fruit {
    name: String,
    color: String,
}

/// The snippets that need a thread, an assistant, files on disk or a real
/// fine-tuning job: compiled with the names of `API.md`, not run. (The
/// Assistants API is deprecated upstream, hence `deprecated`.)
#[allow(dead_code, reason = "compiled for its names, not run")]
#[allow(deprecated, reason = "the Assistants snippets use deprecated methods")]
async fn compiled_only(
    client: openai::Client,
    thread_id: String,
    assistant_id: String,
    msgs: Vec<ChatMessage>,
    params: openai::types::fine_tuning::JobCreateParams,
) -> Result<(), Box<dyn std::error::Error>> {
    use openai::types::beta::threads::AssistantStreamEvent;
    use openai::types::beta::threads::RunCreateParams;

    // Pagination, in its three forms.
    let page = client
        .fine_tuning()
        .jobs()
        .list(JobListParams::new().limit(20))
        .await?;
    let _ = (&page.data, page.has_next_page(), page.next_page_info());
    let _next = page.get_next_page().await?;
    let _all: Vec<FineTuningJob> = client
        .fine_tuning()
        .jobs()
        .list(JobListParams::new().limit(20))
        .auto_paging()
        .try_collect()
        .await?;

    // Structured output.
    let parsed = client
        .chat()
        .completions()
        .parse::<Fruit>(ChatCompletionCreateParams::new("gpt-4o", msgs))
        .await?;
    let _fruit: &Fruit = parsed.choices[0].message.parsed.as_ref().unwrap();

    // File uploads.
    client
        .files()
        .create(FileCreateParams::new(
            FileUpload::path("input.jsonl"),
            FilePurpose::FineTune,
        ))
        .await?;
    let _ = FileUpload::bytes("input.jsonl", b"{}".to_vec());
    let _ = FileUpload::new("a.wav", b"RIFF".to_vec(), "audio/wav");

    // The assistant stream and the polling helpers.
    let mut run = client
        .beta()
        .threads()
        .runs()
        .stream(
            &thread_id,
            RunCreateParams::new(&assistant_id)
                .instructions("Please address the user as Jane Doe."),
        )
        .await?;
    while let Some(event) = run.next().await {
        if let AssistantStreamEvent::ThreadMessageDelta(_delta) = event? {}
    }
    let _run = client
        .beta()
        .threads()
        .runs()
        .create_and_poll(&thread_id, RunCreateParams::new(&assistant_id))
        .await?;
    let _batch = client
        .vector_stores()
        .file_batches()
        .upload_and_poll("vs_1", [Path::new("sample-paper.pdf")])
        .await?;

    // Errors.
    match client.fine_tuning().jobs().create(params).await {
        Err(openai::Error::Connection(e)) => eprintln!("server unreachable: {e}"),
        Err(openai::Error::Timeout) => eprintln!("timed out"),
        Err(openai::Error::Api(e)) if e.is_rate_limit() => eprintln!("429; back off"),
        Err(openai::Error::Api(e)) => {
            eprintln!(
                "{} {:?} {:?} {:?}",
                e.status(),
                e.code(),
                e.request_id(),
                e.kind()
            )
        }
        Err(other) => eprintln!("{other}"),
        Ok(_job) => {}
    }

    // Azure.
    let _azure: openai::Client = openai::azure::AzureClient::builder()
        .api_version("2023-07-01-preview")
        .azure_endpoint("https://example-endpoint.openai.azure.com")
        .azure_deployment("my-deployment")
        .azure_ad_token_provider(|| async { "token" })
        .build()?;

    // The module-level client and logging.
    openai::global::set_api_key("...");
    let _c = openai::global::client()
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            "gpt-4o",
            [ChatMessage::user("hi")],
        ))
        .await?;
    openai::logging::init_from_env();
    let _ = openai::VERSION;
    Ok(())
}

/// The blocking client: the same names, no `.await`; compiled, not run.
#[allow(dead_code, reason = "compiled for its names, not run")]
fn blocking_compiled_only() -> Result<(), Box<dyn std::error::Error>> {
    let client = openai::blocking::Client::from_env()?;
    for job in client
        .fine_tuning()
        .jobs()
        .list(JobListParams::new())
        .auto_paging()
    {
        let _job = job?;
    }
    Ok(())
}
