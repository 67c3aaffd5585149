//! `uploads().upload_file_chunked` (reference/helpers.md d.3): create, the
//! parts (each streamed from its range of the file), complete with the ids
//! in order.

use openai_core::types::{FileUpload, UploadCreateParamsPurpose};
use openai_core::{Client, Error};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{client, mock_answer};

async fn answer(client: &Client, path: &str, changes: Value) -> Value {
    mock_answer(client, http::Method::POST, path, changes).await
}

fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("openai-chunked-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The bytes of the one file part of a multipart body.
fn part_data(body: &[u8]) -> Vec<u8> {
    let text = body;
    let start = text
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a part header")
        + 4;
    let end = text[start..]
        .windows(4)
        .position(|w| w == b"\r\n--")
        .expect("a boundary")
        + start;
    text[start..end].to_vec()
}

#[tokio::test]
async fn a_file_goes_in_parts_read_from_its_ranges_and_completes_in_order() {
    let server = MockServer::start().await;
    let client = client(&server);
    let created = answer(&client, "/uploads", json!({"id": "upload_1"})).await;
    let parts: Vec<Value> = {
        let mut v = Vec::new();
        for i in 0..3 {
            v.push(
                answer(
                    &client,
                    "/uploads/upload_1/parts",
                    json!({"id": format!("part_{i}")}),
                )
                .await,
            );
        }
        v
    };
    let done = answer(
        &client,
        "/uploads/upload_1/complete",
        json!({"status": "completed"}),
    )
    .await;
    server.clear_requests();
    server.enqueue(Mock::ok(created));
    for part in parts {
        server.enqueue(Mock::ok(part));
    }
    server.enqueue(Mock::ok(done));

    let path = temp_file("ten.bin", b"AAAABBBBCC");
    let upload = client
        .uploads()
        .upload_file_chunked(
            FileUpload::path(&path),
            "application/octet-stream",
            UploadCreateParamsPurpose::Batch,
        )
        .part_size(4)
        .concurrency(1)
        .md5("0123")
        .await
        .unwrap();
    assert_eq!(upload.status.as_str(), "completed");

    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    let create = requests[0].json();
    assert_eq!(create["bytes"], 10);
    assert_eq!(
        create["filename"],
        path.file_name().unwrap().to_str().unwrap()
    );
    assert_eq!(create["purpose"], "batch");
    let sent: Vec<Vec<u8>> = requests[1..4].iter().map(|r| part_data(r.body())).collect();
    assert_eq!(sent, [b"AAAA".to_vec(), b"BBBB".to_vec(), b"CC".to_vec()]);
    let complete = requests[4].json();
    assert_eq!(complete["part_ids"], json!(["part_0", "part_1", "part_2"]));
    assert_eq!(complete["md5"], "0123");
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn parts_go_in_parallel_and_bytes_in_memory_work_too() {
    let server = MockServer::start().await;
    let client = client(&server);
    // Bytes without repeats, so each part's place in the file is unique.
    let mut state = 0x2545_f491_u32;
    let data: Vec<u8> = (0..1000)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect();
    let upload = client
        .uploads()
        .upload_file_chunked(
            FileUpload::bytes("data.bin", data.clone()),
            "application/octet-stream",
            UploadCreateParamsPurpose::Assistants,
        )
        .part_size(300)
        .concurrency(3)
        .await
        .unwrap();
    let _ = upload;
    let requests = server.requests();
    let mut parts: Vec<Vec<u8>> = requests
        .iter()
        .filter(|r| r.path().ends_with("/parts"))
        .map(|r| part_data(r.body()))
        .collect();
    assert_eq!(parts.len(), 4, "300, 300, 300 and 100 bytes");
    parts.sort_by_key(|p| data.windows(p.len()).position(|w| w == &p[..]));
    assert_eq!(parts.concat(), data);
    let complete = requests.last().unwrap();
    assert!(complete.path().ends_with("/complete"));
    assert_eq!(complete.json()["part_ids"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_part_past_the_end_of_its_file_fails_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let path = temp_file("short.bin", b"12345");
    let err = client
        .uploads()
        .parts()
        .create(
            "upload_1",
            openai_core::types::PartCreateParams::new(FileUpload::path_part(&path, 3, 5)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(server.requests().is_empty());
    // A part inside the file sends just its bytes.
    server.enqueue(Mock::ok(
        answer(&client, "/uploads/upload_1/parts", json!({})).await,
    ));
    server.clear_requests();
    client
        .uploads()
        .parts()
        .create(
            "upload_1",
            openai_core::types::PartCreateParams::new(FileUpload::path_part(&path, 1, 3)),
        )
        .await
        .unwrap();
    assert_eq!(part_data(server.requests()[0].body()), b"234");
    std::fs::remove_file(path).unwrap();
}
