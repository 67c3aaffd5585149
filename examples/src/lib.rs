//! Examples live in this folder as `[[example]]` targets; this library holds
//! what they share.

use openai::Client;
use openai_mock::MockServer;

/// The client of an example: with `OPENAI_API_KEY` set, the real API (from
/// the environment, `OPENAI_BASE_URL` included); without it, the bundled
/// mock server started in process, returned too so that it lives as long as
/// the caller keeps it.
///
/// # Errors
///
/// When the client cannot be built (a bad `OPENAI_BASE_URL`, say).
pub async fn client() -> Result<(Client, Option<MockServer>), openai::Error> {
    match std::env::var("OPENAI_API_KEY") {
        Ok(key) if !key.is_empty() => Ok((Client::from_env()?, None)),
        _ => {
            let server = MockServer::start().await;
            println!(
                "OPENAI_API_KEY is not set: using the bundled mock server at {}",
                server.url()
            );
            let client = Client::builder()
                .api_key("mock-key")
                .base_url(server.url())
                .build()?;
            Ok((client, Some(server)))
        }
    }
}

/// The model an example asks for: `OPENAI_MODEL`, else `gpt-4o-mini`.
pub fn model() -> String {
    std::env::var("OPENAI_MODEL").unwrap_or_else(|_| "gpt-4o-mini".to_owned())
}

/// Fails the example with `what` unless `ok`. The examples check what they
/// show against the mock, so a change in the SDK that breaks one fails CI
/// (`.ci/examples`) instead of printing something else.
///
/// # Errors
///
/// `what`, when `ok` is false.
pub fn ensure(ok: bool, what: &str) -> Result<(), Box<dyn std::error::Error>> {
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected: {what}").into())
    }
}
