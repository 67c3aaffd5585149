//! The spec's answers with nothing queued: paging, path ids, bytes, streams, path mocks, and
//! the standalone binary.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use http::Method;
use openai_mock::{Mock, MockServer};
use serde_json::json;

use crate::support::{call, client};

#[tokio::test]
async fn lists_page_with_after_until_has_more_is_false() {
    let server = MockServer::start().await;
    let client = client();
    let mut ids = Vec::new();
    let mut path = "/files".to_owned();
    for _ in 0..10 {
        let page = call(&client, &server, Method::GET, &path, None)
            .await
            .json();
        assert_eq!(page["object"], "list");
        let data = page["data"].as_array().expect("data");
        ids.extend(
            data.iter()
                .map(|f| f["id"].as_str().expect("id").to_owned()),
        );
        if page["has_more"] == false {
            break;
        }
        assert_eq!(page["last_id"], ids[ids.len() - 1]);
        path = format!("/files?after={}", ids[ids.len() - 1]);
    }
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.windows(2).all(|w| w[0] != w[1]), "{ids:?}");

    let one = call(&client, &server, Method::GET, "/files?limit=1", None)
        .await
        .json();
    assert_eq!(one["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["has_more"], true);
}

#[tokio::test]
async fn next_cursor_lists_end_with_null_next() {
    let server = MockServer::start().await;
    let client = client();
    let first = call(&client, &server, Method::GET, "/organization/groups", None)
        .await
        .json();
    assert_eq!(first["has_more"], true);
    let next = first["next"].as_str().expect("a next cursor").to_owned();
    let path = format!("/organization/groups?after={next}");
    let last = call(&client, &server, Method::GET, &path, None)
        .await
        .json();
    assert_eq!(last["has_more"], false);
    assert_eq!(last["next"], serde_json::Value::Null);
}

#[tokio::test]
async fn objects_take_the_id_of_their_path() {
    let server = MockServer::start().await;
    let client = client();
    let file = call(&client, &server, Method::GET, "/files/file-42", None).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("x-mock-operation"), "retrieveFile");
    assert_eq!(file.json()["id"], "file-42");
    assert_eq!(file.json()["object"], "file");
    let cancelled = call(
        &client,
        &server,
        Method::POST,
        "/batches/batch_7/cancel",
        None,
    )
    .await;
    assert_eq!(cancelled.json()["id"], "batch_7");
    let deleted = call(
        &client,
        &server,
        Method::DELETE,
        "/vector_stores/vs_1",
        None,
    )
    .await;
    assert_eq!(deleted.json()["deleted"], true);
}

#[tokio::test]
async fn binary_operations_answer_bytes() {
    let server = MockServer::start().await;
    let client = client();
    let speech = json!({"model": "tts-1", "input": "hi", "voice": "alloy"});
    let audio = call(
        &client,
        &server,
        Method::POST,
        "/audio/speech",
        Some(&speech),
    )
    .await;
    assert_eq!(audio.status, 200);
    assert!(!audio.body.is_empty());
    assert_ne!(audio.header("content-type"), "application/json");
    let content = call(&client, &server, Method::GET, "/files/file-1/content", None).await;
    assert_eq!(content.header("content-type"), "application/octet-stream");
    assert!(!content.body.is_empty());
    let zip = call(&client, &server, Method::GET, "/skills/s1/content", None).await;
    assert_eq!(zip.header("content-type"), "application/zip");
}

#[tokio::test]
async fn stream_requests_get_events() {
    let server = MockServer::start().await;
    let client = client();
    let body = json!({"model": "gpt-4o", "input": "hi", "stream": true});
    let answer = call(&client, &server, Method::POST, "/responses", Some(&body)).await;
    assert!(
        answer
            .header("content-type")
            .starts_with("text/event-stream")
    );
    let events = answer.sse_data();
    let types: Vec<String> = events
        .iter()
        .map(|e| serde_json::from_str::<serde_json::Value>(e).expect("JSON")["type"].to_string())
        .collect();
    assert_eq!(types, ["\"response.created\"", "\"response.completed\""]);
}

#[tokio::test]
async fn path_mocks_answer_every_matching_request_after_the_queue() {
    let server = MockServer::start().await;
    let client = client();
    server.mock_path(
        Method::GET,
        "/v1/files/{file_id}",
        Mock::ok(json!({"id": "scripted"})),
    );
    server.mock_path(Method::POST, "/chat/completions", Mock::error(503));
    for path in ["/files/a", "/files/b"] {
        let answer = call(&client, &server, Method::GET, path, None).await;
        assert_eq!(answer.json()["id"], "scripted", "{path}");
    }
    // Other methods and paths still get the spec's answer.
    let other = call(&client, &server, Method::DELETE, "/files/a", None).await;
    assert_eq!(other.json()["deleted"], true);
    let chat = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]});
    let overridden = call(
        &client,
        &server,
        Method::POST,
        "/chat/completions",
        Some(&chat),
    )
    .await;
    assert_eq!(overridden.status, 503);

    // The queue still answers first; a later path mock wins over an earlier one.
    server.enqueue(Mock::ok(json!({"id": "queued"})));
    server.mock_path(
        Method::GET,
        "/files/{id}",
        Mock::ok(json!({"id": "latest"})),
    );
    let queued = call(&client, &server, Method::GET, "/files/a", None).await;
    assert_eq!(queued.json()["id"], "queued");
    let latest = call(&client, &server, Method::GET, "/files/a", None).await;
    assert_eq!(latest.json()["id"], "latest");

    server.clear_path_mocks();
    let spec = call(&client, &server, Method::GET, "/files/a", None).await;
    assert_eq!(spec.json()["id"], "a");
    let model = call(
        &client,
        &server,
        Method::POST,
        "/chat/completions",
        Some(&chat),
    )
    .await;
    assert_eq!(model.json()["choices"][0]["message"]["content"], "hi");
}

#[tokio::test]
async fn multipart_uploads_are_accepted() {
    let server = MockServer::start().await;
    let client = client();
    let body = "--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n--b\r\n\
                Content-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n\r\n{}\r\n--b--\r\n";
    let request = http::Request::post(format!("{}/files", server.url()))
        .header("content-type", "multipart/form-data; boundary=b")
        .body(http_body_util::Full::from(body))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-mock-operation"], "createFile");
}

/// Kills the child process when the test ends, even on a panic.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_on_the_port_it_prints() {
    let child = Command::new(env!("CARGO_BIN_EXE_openai-mock"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .expect("the reader")
    .expect("a line");
    let url = line
        .trim()
        .strip_prefix("openai-mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"),
        "{url}"
    );

    let client = crate::support::client();
    let request = http::Request::get(format!("{url}/fine_tuning/jobs"))
        .body(http_body_util::Full::default())
        .unwrap();
    let response = client.request(request).await.expect("the binary answers");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["x-mock-operation"],
        "listPaginatedFineTuningJobs"
    );
    drop(running);

    let help = Command::new(env!("CARGO_BIN_EXE_openai-mock"))
        .arg("--help")
        .output()
        .expect("help");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--port"));
}
