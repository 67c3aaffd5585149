//! The polling helpers (`reference/helpers.md` (a)), on a paused clock.

#![allow(
    deprecated,
    reason = "the Assistants and video helpers are deprecated like Python's"
)]

use std::time::Duration;

use openai_core::types::beta::threads::{RunCreateParams, ThreadCreateAndRunParams};
use openai_core::types::{FileBatchCreateParams, FileUpload, VectorStoreFileCreateParams};
use openai_core::{Client, Error};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::support::{client, mock_answer};

async fn object(client: &Client, path: &str, changes: Value) -> Value {
    mock_answer(client, http::Method::GET, path, changes).await
}

async fn run(client: &Client, status: &str) -> Value {
    object(
        client,
        "/threads/thread_1/runs/run_1",
        json!({"id": "run_1", "thread_id": "thread_1", "status": status}),
    )
    .await
}

fn poll_headers(server: &MockServer) -> Vec<(String, Option<String>, Option<String>)> {
    server
        .requests()
        .iter()
        .map(|r| {
            (
                format!("{} {}", r.method(), r.path()),
                r.header("x-stainless-poll-helper").map(str::to_owned),
                r.header("x-stainless-custom-poll-interval")
                    .map(str::to_owned),
            )
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn create_and_poll_follows_the_first_poll_after_header_then_keeps_that_interval() {
    let server = MockServer::start().await;
    let client = client(&server);
    let queued = run(&client, "queued").await;
    let in_progress = run(&client, "in_progress").await;
    let completed = run(&client, "completed").await;
    server.clear_requests();
    server.enqueue(Mock::ok(queued));
    server.enqueue(Mock::ok(in_progress.clone()).header("openai-poll-after-ms", "250"));
    server.enqueue(Mock::ok(in_progress).header("openai-poll-after-ms", "5000"));
    server.enqueue(Mock::ok(completed));

    let start = Instant::now();
    let run = client
        .beta()
        .threads()
        .runs()
        .create_and_poll("thread_1", RunCreateParams::new("asst_1"))
        .await
        .unwrap();
    assert_eq!(run.status.as_str(), "completed");
    assert_eq!(start.elapsed(), Duration::from_millis(500), "250 ms twice");

    let seen = poll_headers(&server);
    assert_eq!(seen.len(), 4);
    assert_eq!(
        seen[0],
        ("POST /v1/threads/thread_1/runs".into(), None, None)
    );
    for retrieve in &seen[1..] {
        assert_eq!(
            retrieve,
            &(
                "GET /v1/threads/thread_1/runs/run_1".into(),
                Some("true".into()),
                None
            )
        );
    }
    assert_eq!(server.requests()[0].json()["stream"], false);
}

#[tokio::test(start_paused = true)]
async fn a_custom_interval_is_sent_and_wins_over_the_server() {
    let server = MockServer::start().await;
    let client = client(&server);
    let in_progress = run(&client, "in_progress").await;
    let requires_action = run(&client, "requires_action").await;
    server.clear_requests();
    server.enqueue(Mock::ok(in_progress).header("openai-poll-after-ms", "5000"));
    server.enqueue(Mock::ok(requires_action));

    let start = Instant::now();
    let run = client
        .beta()
        .threads()
        .runs()
        .poll("thread_1", "run_1")
        .poll_interval(Duration::from_millis(100))
        .header("x-extra", "1")
        .await
        .unwrap();
    assert_eq!(run.status.as_str(), "requires_action");
    assert_eq!(start.elapsed(), Duration::from_millis(100));
    for r in server.requests() {
        assert_eq!(r.header("x-stainless-custom-poll-interval"), Some("100"));
        assert_eq!(
            r.header("x-extra"),
            Some("1"),
            "per-call options reach every retrieve"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn without_a_hint_the_interval_is_a_second_and_unknown_statuses_end_the_wait() {
    let server = MockServer::start().await;
    let client = client(&server);
    let cancelling = run(&client, "cancelling").await;
    let unknown = run(&client, "paused_by_a_future_api").await;
    server.clear_requests();
    server.enqueue(Mock::ok(cancelling));
    server.enqueue(Mock::ok(unknown));
    let start = Instant::now();
    let run = client
        .beta()
        .threads()
        .runs()
        .poll("thread_1", "run_1")
        .await
        .unwrap();
    assert_eq!(run.status.as_str(), "paused_by_a_future_api");
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn create_and_run_poll_polls_the_run_of_the_new_thread() {
    let server = MockServer::start().await;
    let client = client(&server);
    let created = object(
        &client,
        "/threads/thread_9/runs/run_9",
        json!({"id": "run_9", "thread_id": "thread_9", "status": "queued"}),
    )
    .await;
    let mut done = created.clone();
    done["status"] = json!("failed");
    server.clear_requests();
    server.enqueue(Mock::ok(created));
    server.enqueue(Mock::ok(done));
    let run = client
        .beta()
        .threads()
        .create_and_run_poll(ThreadCreateAndRunParams::new("asst_1"))
        .await
        .unwrap();
    assert_eq!(run.status.as_str(), "failed", "terminal is not successful");
    assert_eq!(
        server.requests()[1].path(),
        "/v1/threads/thread_9/runs/run_9"
    );
}

#[tokio::test(start_paused = true)]
async fn a_poll_after_header_that_is_not_a_number_is_a_decode_error() {
    let server = MockServer::start().await;
    let client = client(&server);
    let in_progress = run(&client, "in_progress").await;
    server.enqueue(Mock::ok(in_progress).header("openai-poll-after-ms", "soon"));
    let err = client
        .beta()
        .threads()
        .runs()
        .poll("thread_1", "run_1")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn vector_store_files_poll_while_in_progress() {
    let server = MockServer::start().await;
    let client = client(&server);
    let path = "/vector_stores/vs_1/files/file_1";
    let in_progress = object(
        &client,
        path,
        json!({"id": "file_1", "status": "in_progress"}),
    )
    .await;
    let completed = object(
        &client,
        path,
        json!({"id": "file_1", "status": "completed"}),
    )
    .await;
    server.clear_requests();
    server.enqueue(Mock::ok(in_progress.clone()));
    server.enqueue(Mock::ok(in_progress));
    server.enqueue(Mock::ok(completed));
    let file = client
        .vector_stores()
        .files()
        .create_and_poll("vs_1", VectorStoreFileCreateParams::new("file_1"))
        .await
        .unwrap();
    assert_eq!(file.status.as_str(), "completed");
    let requests = server.requests();
    assert_eq!(requests[0].path(), "/v1/vector_stores/vs_1/files");
    assert_eq!(requests[0].json()["file_id"], "file_1");
    assert_eq!(requests[1].path(), path.replacen('/', "/v1/", 1));
}

#[tokio::test(start_paused = true)]
async fn file_batches_upload_with_bounded_concurrency_then_poll_the_counts() {
    let server = MockServer::start().await;
    let client = client(&server);
    let batch_path = "/vector_stores/vs_1/file_batches/batch_1";
    let counts = |in_progress: i64| {
        json!({"id": "batch_1", "status": "in_progress", "file_counts": {
            "in_progress": in_progress, "completed": 3 - in_progress,
            "failed": 0, "cancelled": 0, "total": 3}})
    };
    let busy = object(&client, batch_path, counts(2)).await;
    let done = object(&client, batch_path, counts(0)).await;
    let mut uploaded = Vec::new();
    for i in 0..3 {
        uploaded.push(object(&client, "/files/f", json!({"id": format!("file_up_{i}")})).await);
    }
    server.clear_requests();
    for file in uploaded {
        server.enqueue(Mock::ok(file).delay(Duration::from_millis(10)));
    }
    server.enqueue(Mock::ok(busy.clone()));
    server.enqueue(Mock::ok(busy));
    server.enqueue(Mock::ok(done));

    let files = (0..3).map(|i| FileUpload::bytes(format!("doc{i}.txt"), b"hello".to_vec()));
    let batch = client
        .vector_stores()
        .file_batches()
        .upload_and_poll_with(
            "vs_1",
            files,
            FileBatchCreateParams::new().file_ids(vec!["file_given".to_owned()]),
        )
        .max_concurrency(2)
        .await
        .unwrap();
    assert_eq!(batch.file_counts.in_progress, 0);

    let requests = server.requests();
    let uploads: Vec<_> = requests
        .iter()
        .filter(|r| r.path() == "/v1/files")
        .collect();
    assert_eq!(uploads.len(), 3);
    for upload in uploads {
        let body = String::from_utf8_lossy(upload.body());
        assert!(body.contains("assistants"), "purpose: {body}");
    }
    let create = requests
        .iter()
        .find(|r| r.path() == "/v1/vector_stores/vs_1/file_batches")
        .expect("the batch is created");
    let ids = create.json()["file_ids"].clone();
    assert_eq!(ids[0], "file_given", "the given ids come first");
    let mut uploaded: Vec<_> = ids.as_array().unwrap()[1..].to_vec();
    uploaded.sort_by_key(|v| v.to_string());
    assert_eq!(
        uploaded,
        [json!("file_up_0"), json!("file_up_1"), json!("file_up_2")]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_upload_fails_before_any_batch_is_created() {
    let server = MockServer::start().await;
    let client = client(&server);
    server.enqueue(Mock::error(500).header("x-should-retry", "false"));
    let err = client
        .vector_stores()
        .file_batches()
        .upload_and_poll("vs_1", [FileUpload::bytes("a.txt", b"a".to_vec())])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::INTERNAL_SERVER_ERROR));
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path().contains("file_batches")),
        "no batch"
    );
}

#[tokio::test(start_paused = true)]
async fn wait_for_processing_checks_every_five_seconds_and_gives_up_after_thirty_minutes() {
    let server = MockServer::start().await;
    let client = client(&server);
    let uploaded = object(
        &client,
        "/files/file_1",
        json!({"id": "file_1", "status": "uploaded"}),
    )
    .await;
    let processed = object(
        &client,
        "/files/file_1",
        json!({"id": "file_1", "status": "processed"}),
    )
    .await;
    server.clear_requests();
    server.enqueue(Mock::ok(uploaded.clone()));
    server.enqueue(Mock::ok(uploaded.clone()));
    server.enqueue(Mock::ok(processed));
    let start = Instant::now();
    let file = client.files().wait_for_processing("file_1").await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(10));
    assert_eq!(file.id, "file_1");
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("x-stainless-poll-helper").is_none()),
        "no polling headers, as in Python"
    );

    server.set_default(Mock::ok(uploaded));
    let start = Instant::now();
    let err = client
        .files()
        .wait_for_processing("file_1")
        .await
        .unwrap_err();
    let Error::Polling(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.message().contains("file_1"), "{e}");
    assert!(start.elapsed() > Duration::from_secs(1800));
    assert!(start.elapsed() <= Duration::from_secs(1805));
}
