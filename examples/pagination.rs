//! Pagination (Python README: "Pagination"), in its three forms: every item
//! of every page as one stream (`auto_paging`), page by page
//! (`has_next_page`, `next_page_info`, `get_next_page`), and the data of one
//! page.
//!
//! ```text
//! cargo run --features fine-tuning --example pagination
//! ```
//!
//! With `OPENAI_API_KEY` set it lists your fine-tuning jobs (there may be
//! none). Without it, it starts the bundled mock server in process, which
//! pages three example jobs.

use openai::prelude::*;
use openai::types::fine_tuning::{FineTuningJob, JobListParams};

/// Small pages, so that a short list still spans several (the README asks
/// for 20 per page).
const LIMIT: i64 = 2;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    let jobs = client.fine_tuning().jobs();

    // 1. Every job, the next page fetched when the stream gets to it.
    let mut all_jobs: Vec<FineTuningJob> = Vec::new();
    let mut stream = jobs.list(JobListParams::new().limit(LIMIT)).auto_paging();
    while let Some(job) = stream.next().await {
        all_jobs.push(job?);
    }
    println!(
        "auto_paging: {} jobs: {:?}",
        all_jobs.len(),
        all_jobs.iter().map(|j| j.id.as_str()).collect::<Vec<_>>()
    );
    // The same, collected in one go.
    let collected: Vec<FineTuningJob> = jobs
        .list(JobListParams::new().limit(LIMIT))
        .auto_paging()
        .try_collect()
        .await?;
    openai_examples::ensure(
        collected.len() == all_jobs.len(),
        "two walks of one list differ",
    )?;

    // 2. Page by page.
    let first_page = jobs.list(JobListParams::new().limit(LIMIT)).await?;
    if first_page.has_next_page() {
        if let Some(info) = first_page.next_page_info() {
            println!("will fetch the next page with after={}", info.after());
        }
        let next_page = first_page.get_next_page().await?;
        println!("number of jobs just fetched: {}", next_page.data.len());
    }

    // 3. The data of the page itself (Python's `first_page.after` is
    // `next_page_info()` here: the cursor of the next page, if any).
    println!(
        "next page cursor: {}",
        first_page
            .next_page_info()
            .map_or_else(|| "none (last page)".to_owned(), |i| i.after().to_owned())
    );
    for job in &first_page.data {
        println!("{} ({})", job.id, job.status.as_str());
    }

    if mock.is_some() {
        openai_examples::ensure(all_jobs.len() == 3, "the mock pages three jobs")?;
        openai_examples::ensure(first_page.has_next_page(), "a second page")?;
    }
    Ok(())
}
