//! Determining the installed version (Python README: "Determining the
//! installed version"): `openai::VERSION` (Python's `openai.__version__`),
//! which every request also carries in its `User-Agent` and
//! `X-Stainless-Package-Version` headers. `cargo tree -p openai` tells the
//! same from outside the program.
//!
//! ```text
//! cargo run --example version
//! ```
//!
//! With `OPENAI_API_KEY` set it makes one call to the real API
//! (`OPENAI_BASE_URL` and `OPENAI_MODEL` are honoured). Without it, it
//! starts the bundled mock server in process and prints the version headers
//! the mock received.

use openai::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("openai-rs {}", openai::VERSION);

    let (client, mock) = openai_examples::client().await?;
    client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user("Hi")],
        ))
        .await?;
    if let Some(server) = &mock {
        let requests = server.requests();
        if let Some(request) = requests.first() {
            let package = request.header("x-stainless-package-version");
            println!(
                "User-Agent: {}",
                request.header("user-agent").unwrap_or("-")
            );
            println!("X-Stainless-Package-Version: {}", package.unwrap_or("-"));
            openai_examples::ensure(package == Some(openai::VERSION), "the version header")?;
        }
    }
    Ok(())
}
