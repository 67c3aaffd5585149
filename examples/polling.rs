//! Polling helpers: upload files into a vector store as one batch and wait
//! until it is processed (Python's `file_batches.upload_and_poll`).
//!
//! ```text
//! cargo run --features polling --example polling
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API. Without it, it starts the
//! bundled mock server in process; the mock answers from the spec's
//! examples, whose batch stays in progress, so the example scripts the
//! finished batch for the helper to find.

use std::time::Duration;

use openai::types::{FileUpload, VectorStoreCreateParams};
use openai_mock::Mock;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    if let Some(server) = &mock {
        let done = json!({
            "id": "vsfb_example", "object": "vector_store.files_batch",
            "created_at": 1_700_000_000, "vector_store_id": "vs_example",
            "status": "completed",
            "file_counts": {"in_progress": 0, "completed": 2, "failed": 0, "cancelled": 0, "total": 2},
        });
        server.mock_path(
            http::Method::GET,
            "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}",
            Mock::ok(done),
        );
    }

    let store = client
        .vector_stores()
        .create(VectorStoreCreateParams::new().name("polling example"))
        .await?;
    println!("vector store {}", store.id);

    let files = [
        FileUpload::bytes("notes.txt", b"Rust has no null; it has Option.".to_vec()),
        FileUpload::bytes("faq.md", b"# FAQ\nAsk the docs first.".to_vec()),
    ];
    let batch = client
        .vector_stores()
        .file_batches()
        .upload_and_poll(&store.id, files)
        // Python's poll_interval_ms; without it the server's
        // openai-poll-after-ms header, else one second.
        .poll_interval(Duration::from_millis(500))
        .await?;
    let counts = &batch.file_counts;
    println!(
        "batch {}: {} ({} completed, {} failed, {} in progress)",
        batch.id,
        batch.status.as_str(),
        counts.completed,
        counts.failed,
        counts.in_progress
    );
    Ok(())
}
