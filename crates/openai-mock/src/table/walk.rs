//! Walks the whole table over a socket: every operation of the spec, with nothing queued,
//! answers 2xx with the content type of its kind, JSON that parses, and (for the operations
//! that stream) a well-framed SSE stream.

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

use super::{End, Kind, OPERATION_HEADER, OPERATIONS, Operation};
use crate::MockServer;

type TestClient = Client<HttpConnector, Full<Bytes>>;

const BOUNDARY: &str = "mock-boundary";

/// A whole answer.
struct Answer {
    status: StatusCode,
    content_type: String,
    operation: Option<String>,
    body: Bytes,
}

/// The path of a row with every parameter filled (`gpt-4o-mock` for the model routes of
/// the built-in model, which 404s unknown models).
fn concrete_path(op: &Operation) -> String {
    let path: Vec<&str> = op
        .path
        .split('/')
        .map(|s| match s {
            "{model}" => "gpt-4o-mock",
            s if s.starts_with('{') => "x1",
            s => s,
        })
        .collect();
    let mut path = format!("/v1{}", path.join("/"));
    if !op.query.is_empty() {
        path.push('?');
        path.push_str(op.query);
    }
    path
}

/// A body the built-in model accepts where it answers, else `{}` (plus `stream`).
fn json_body(op: &Operation, stream: bool) -> Value {
    let mut body = match op.id {
        "createChatCompletion" => {
            json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})
        }
        "createEmbedding" => json!({"model": "text-embedding-3-small", "input": "hi"}),
        _ => json!({}),
    };
    if stream {
        body["stream"] = json!(true);
    }
    body
}

fn multipart_body(stream: bool) -> String {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nhello\r\n"
    );
    if stream {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"stream\"\r\n\r\ntrue\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

async fn call(client: &TestClient, server: &MockServer, op: &Operation, stream: bool) -> Answer {
    let mut path = concrete_path(op);
    let builder = Request::builder()
        .method(Method::from_bytes(op.method.as_bytes()).expect("a method"))
        .header("authorization", "Bearer sk-test");
    let request = if op.method == "GET" || op.method == "DELETE" {
        if stream {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str("stream=true");
        }
        builder
            .uri(format!("http://{}{path}", server.addr()))
            .body(Full::default())
    } else if op.multipart {
        builder
            .uri(format!("http://{}{path}", server.addr()))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Full::from(multipart_body(stream)))
    } else {
        builder
            .uri(format!("http://{}{path}", server.addr()))
            .header("content-type", "application/json")
            .body(Full::from(json_body(op, stream).to_string()))
    };
    let response = client
        .request(request.expect("a request"))
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", op.id));
    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let operation = header(OPERATION_HEADER);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    Answer {
        status,
        content_type,
        operation,
        body,
    }
}

/// Routes the built-in model answers before the table.
fn builtin(op: &Operation) -> bool {
    matches!(
        op.id,
        "createChatCompletion" | "createEmbedding" | "listModels" | "retrieveModel" | "deleteModel"
    )
}

#[tokio::test]
async fn every_operation_answers_with_nothing_queued() {
    let server = MockServer::start().await;
    server.record_requests(false);
    let client: TestClient = Client::builder(TokioExecutor::new()).build_http();
    let mut streams = 0;
    for op in OPERATIONS {
        let answer = call(&client, &server, op, false).await;
        let what = format!("{} {} {}", op.id, op.method, op.path);
        assert!(answer.status.is_success(), "{what}: {}", answer.status);
        if !builtin(op) {
            assert_eq!(answer.operation.as_deref(), Some(op.id), "{what}");
            assert_eq!(answer.status.as_u16(), op.status, "{what}");
        }
        match op.kind {
            Kind::Json => {
                assert_eq!(answer.content_type, "application/json", "{what}");
                let value: Value =
                    serde_json::from_slice(&answer.body).unwrap_or_else(|e| panic!("{what}: {e}"));
                assert!(value.is_object(), "{what}");
            }
            Kind::Binary(content_type) => {
                assert_eq!(answer.content_type, content_type, "{what}");
                assert!(!answer.body.is_empty(), "{what}");
            }
            Kind::Empty => assert!(answer.body.is_empty(), "{what}"),
        }
        if op.events.is_empty() {
            continue;
        }
        streams += 1;
        let answer = call(&client, &server, op, true).await;
        assert!(answer.status.is_success(), "{what} (stream)");
        assert!(
            answer.content_type.starts_with("text/event-stream"),
            "{what}: {}",
            answer.content_type
        );
        check_sse(op, &answer.body, &what);
    }
    assert!(OPERATIONS.len() > 250, "{}", OPERATIONS.len());
    assert!(streams >= 10, "{streams}");
}

/// Every event is `[event: <name>\n]data: <JSON object>\n\n`, and the stream ends the way
/// the row says.
fn check_sse(op: &Operation, body: &[u8], what: &str) {
    let text = std::str::from_utf8(body).expect("UTF-8");
    assert!(text.ends_with("\n\n"), "{what}: {text:?}");
    let events: Vec<&str> = text.trim_end().split("\n\n").collect();
    let (last, rest) = match op.end {
        End::Close => (None, &events[..]),
        End::Done | End::EventDone => events
            .split_last()
            .map(|(l, r)| (Some(*l), r))
            .expect("events"),
    };
    assert!(!rest.is_empty(), "{what}: no events");
    for event in rest {
        let data = event
            .lines()
            .find_map(|l| l.strip_prefix("data: "))
            .unwrap_or_else(|| panic!("{what}: no data in {event:?}"));
        let value: Value = serde_json::from_str(data).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(value.is_object(), "{what}: {data}");
        if let Some(name) = event.lines().find_map(|l| l.strip_prefix("event: ")) {
            if op.end == End::Close {
                assert_eq!(value["type"], name, "{what}");
            }
        }
    }
    match (op.end, last) {
        (End::Done, Some(last)) => assert_eq!(last, "data: [DONE]", "{what}"),
        (End::EventDone, Some(last)) => assert_eq!(last, "event: done\ndata: [DONE]", "{what}"),
        _ => {}
    }
}
