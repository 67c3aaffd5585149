//! Helpers shared by the test modules: a plain hyper-util client and small readers.

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use openai_mock::MockServer;
use serde_json::Value;

pub(crate) type TestClient = Client<HttpConnector, Full<Bytes>>;

/// A fresh client (its own connection pool).
pub(crate) fn client() -> TestClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Builds a request to `server.url() + path`, with a JSON body when `body` is given.
pub(crate) fn request(
    server: &MockServer,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Request<Full<Bytes>> {
    let builder = Request::builder()
        .method(method)
        .uri(format!("{}{path}", server.url()))
        .header("authorization", "Bearer sk-test");
    match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(Full::from(body.to_string())),
        None => builder.body(Full::default()),
    }
    .unwrap()
}

/// Sends a request and returns the response head; panics on a client error.
pub(crate) async fn send(
    client: &TestClient,
    server: &MockServer,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Response<Incoming> {
    client
        .request(request(server, method, path, body))
        .await
        .expect("request failed")
}

/// A whole answer: status, headers and body bytes.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }

    /// The `data:` payloads of an SSE body, in order.
    pub(crate) fn sse_data(&self) -> Vec<String> {
        sse_data(&self.body)
    }
}

/// Sends a request and reads the whole answer; panics on any error.
pub(crate) async fn call(
    client: &TestClient,
    server: &MockServer,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Answer {
    let response = send(client, server, method, path, body).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body failed")
        .to_bytes();
    Answer {
        status,
        headers,
        body,
    }
}

/// Reads a body frame by frame: the data frames received, and whether it ended in an error.
pub(crate) async fn frames(mut body: Incoming) -> (Vec<Bytes>, bool) {
    let mut frames = Vec::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    frames.push(data);
                }
            }
            Err(_) => return (frames, true),
        }
    }
    (frames, false)
}

/// The `data:` payloads of an SSE body (events separated by blank lines, one data line
/// each, as the mock writes them).
pub(crate) fn sse_data(body: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(body).expect("SSE body is not UTF-8");
    text.split("\n\n")
        .filter(|event| !event.is_empty())
        .filter_map(|event| {
            event
                .lines()
                .find_map(|line| line.strip_prefix("data: "))
                .map(str::to_owned)
        })
        .collect()
}

/// Standard base64 decoding (for checking `encoding_format: "base64"`).
pub(crate) fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("bad base64 byte {c}"),
    };
    let mut out = Vec::new();
    for quad in text.as_bytes().chunks(4) {
        let digits: Vec<u8> = quad
            .iter()
            .copied()
            .filter(|&c| c != b'=')
            .map(value)
            .collect();
        let n = digits
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | (u32::from(d) << (18 - 6 * i)));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..digits.len()]);
    }
    out
}
