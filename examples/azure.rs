//! Azure OpenAI: the same resources through `openai::azure::AzureClient`,
//! with deployment URLs, `api-version`, and an API key or an Entra ID token
//! provider (Python's `AzureOpenAI`).
//!
//! ```text
//! cargo run --features azure --example azure
//! ```
//!
//! With `AZURE_OPENAI_ENDPOINT`, `OPENAI_API_VERSION` and
//! `AZURE_OPENAI_API_KEY` (or `AZURE_OPENAI_AD_TOKEN`) set, it calls your
//! resource; `AZURE_OPENAI_DEPLOYMENT` names the chat deployment (default
//! `gpt-4o-mini`). Without them it starts the bundled mock server in
//! process, which serves Azure's paths too.

use std::time::{Duration, SystemTime};

use openai::azure::{AzureClient, AzureToken};
use openai::types::chat::{ChatCompletionCreateParams, ChatMessage};
use openai_mock::MockServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configured = std::env::var("AZURE_OPENAI_ENDPOINT").is_ok_and(|e| !e.is_empty());
    let mock = if configured {
        None
    } else {
        let server = MockServer::start().await;
        println!(
            "AZURE_OPENAI_ENDPOINT is not set: using the bundled mock server at {}",
            server.addr()
        );
        Some(server)
    };
    let deployment =
        std::env::var("AZURE_OPENAI_DEPLOYMENT").unwrap_or_else(|_| "gpt-4o-mini".to_owned());

    // An API key (or AZURE_OPENAI_API_KEY / AZURE_OPENAI_AD_TOKEN from the
    // environment), the endpoint and the API version.
    let mut builder = AzureClient::builder();
    if let Some(server) = &mock {
        builder = builder
            .azure_endpoint(format!("http://{}", server.addr()))
            .api_version("2024-10-21")
            .api_key("mock-azure-key");
    }
    let client = builder.build()?;

    // POST <endpoint>/openai/deployments/<deployment>/chat/completions?api-version=...
    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            deployment.clone(),
            [ChatMessage::user("Say hello from Azure")],
        ))
        .await?;
    println!(
        "chat ({}): {}",
        completion.model,
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );

    // GET <endpoint>/openai/models?api-version=...: not deployment-scoped.
    let models = client.models().list().await?;
    println!("{} models on the resource", models.data.len());

    // An Entra ID token provider, called before every attempt; tokens that
    // say when they expire are reused until five minutes before.
    if let Some(server) = &mock {
        let with_token = AzureClient::builder()
            .azure_endpoint(format!("http://{}", server.addr()))
            .api_version("2024-10-21")
            .azure_ad_token_provider(|| async {
                // A real provider asks Entra ID (azure_identity, say) and
                // passes on the expiry it gives.
                let expires_on = SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800);
                Ok::<_, std::io::Error>(AzureToken::expiring("entra-id-token", expires_on))
            })
            .cache_tokens(Duration::from_secs(300))
            .build()?;
        let reply = with_token
            .chat()
            .completions()
            .create(ChatCompletionCreateParams::new(
                deployment,
                [ChatMessage::user("And with a token")],
            ))
            .await?;
        println!(
            "with a token: {}",
            reply.choices[0]
                .message
                .content
                .as_deref()
                .unwrap_or_default()
        );
        let last = server.requests().last().cloned();
        if let Some(request) = last {
            println!(
                "the mock saw {} {}?{}",
                request.method(),
                request.path(),
                request.query().unwrap_or_default()
            );
        }
    }
    Ok(())
}
