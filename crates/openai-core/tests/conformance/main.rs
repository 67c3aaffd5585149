//! Conformance against an independent mock: every operation, called through
//! its generated method (`generated/`, written by `cargo xtask codegen`),
//! must answer 2xx and parse into its typed result. Streams are read to
//! their end, binary answers read whole.
//!
//! The server is Stoplight Prism serving the spec; `.ci/prism` installs and
//! starts it and runs this test with `OPENAI_CONFORMANCE_URL` set. Without
//! that variable the test returns at once, so `cargo test` stays offline.
//!
//! ```text
//! .ci/prism
//! # or, against a mock already running:
//! OPENAI_CONFORMANCE_URL=http://127.0.0.1:4010 cargo test -p openai-core --test conformance -- --nocapture
//! ```
//!
//! `OPENAI_CONFORMANCE_ONLY=chat.` runs only the calls whose name holds it.

use std::time::Duration;

use futures_util::StreamExt as _;
use openai_core::Client;

mod generated;
mod support;

/// Calls in flight at once: Prism answers some operations slowly (large
/// schemas), so the run is bound by the slowest few, not by the count.
const CONCURRENCY: usize = 12;

/// The per-call timeout; a call that takes longer fails.
const TIMEOUT: Duration = Duration::from_secs(90);

/// Calls not run, with the reason each cannot pass against Prism. Keep this
/// short: a call belongs here only for a limit of the mock, never of the SDK.
const SKIPS: &[(&str, &str)] = &[];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_2xx_and_parses() {
    let Ok(url) = std::env::var("OPENAI_CONFORMANCE_URL") else {
        println!("skipped: OPENAI_CONFORMANCE_URL is not set (`.ci/prism` sets it)");
        return;
    };
    let client = Client::builder()
        .api_key(env_or("OPENAI_API_KEY", "sk-conformance"))
        .admin_api_key(env_or("OPENAI_ADMIN_KEY", "sk-conformance-admin"))
        .base_url(url)
        // Prism closes a keep-alive connection after 5 s idle; a call can
        // pick it from the pool just then and meet a reset, which the SDK
        // retries. Nothing else is retried away: a 4xx or a parse error is
        // final, and a 5xx from Prism comes back the same on each attempt.
        .max_retries(2)
        .timeout(TIMEOUT)
        .build()
        .expect("the conformance client builds");
    run_all(client, SKIPS).await;
}

/// The same calls against the bundled openai-mock with nothing queued: every
/// operation's answer from its table parses into the SDK's types (the mock
/// shares no code with them). Runs in every `cargo test`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_parses_the_bundled_mocks_answer() {
    let server = openai_mock::MockServer::start().await;
    server.record_requests(false);
    let client = Client::builder()
        .api_key("sk-conformance")
        .admin_api_key("sk-conformance-admin")
        .base_url(server.url())
        .max_retries(0)
        .timeout(TIMEOUT)
        .build()
        .expect("the conformance client builds");
    run_all(client, MOCK_SKIPS).await;
}

/// Calls the bundled mock answers on purpose with an error.
const MOCK_SKIPS: &[(&str, &str)] = &[(
    "models.retrieve",
    "the mock's built-in model answers 404 model_not_found for a model it does not serve",
)];

/// Runs every call (but `skips`) against `client`'s server, prints the
/// failures and fails when there is any.
async fn run_all(client: Client, skips: &[(&str, &str)]) {
    let only = std::env::var("OPENAI_CONFORMANCE_ONLY").ok();
    let calls: Vec<_> = generated::CALLS
        .iter()
        .filter(|(name, _)| !skips.iter().any(|(s, _)| s == name))
        .filter(|(name, _)| only.as_deref().is_none_or(|o| name.contains(o)))
        .collect();
    let total = calls.len();
    let mut failures: Vec<(&str, String)> = futures_util::stream::iter(calls)
        .map(|(name, call)| {
            let client = client.clone();
            async move { (*name, call(client).await) }
        })
        .buffer_unordered(CONCURRENCY)
        .filter_map(|(name, outcome)| async move { outcome.err().map(|e| (name, e)) })
        .collect()
        .await;
    failures.sort();
    for (name, error) in &failures {
        println!("FAIL {name}: {error}");
    }
    for (name, reason) in skips {
        println!("skip {name}: {reason}");
    }
    println!(
        "conformance: {} of {total} calls passed ({} skipped)",
        total - failures.len(),
        skips.len()
    );
    assert!(failures.is_empty(), "{} calls failed", failures.len());
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}
