//! What the generated tests share: the client, sample values, and the check
//! of what the mock received.

use openai_core::Client;
use openai_mock::MockServer;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The API key of the test client.
pub(crate) const API_KEY: &str = "sk-test-api";
/// The admin key of the test client.
pub(crate) const ADMIN_KEY: &str = "sk-test-admin";

/// A client of `server` with both keys and no retries.
pub(crate) fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .admin_api_key(ADMIN_KEY)
        .base_url(server.url())
        .max_retries(0)
        .build()
        .expect("the test client builds")
}

/// What the mock answers to `method path` with nothing queued (a valid
/// object of the spec), with `changes` merged over its top level.
pub(crate) async fn mock_answer(
    client: &Client,
    method: http::Method,
    path: &str,
    changes: Value,
) -> Value {
    let request = if method == http::Method::POST {
        client.post::<Value>(path)
    } else {
        client.get::<Value>(path)
    };
    let mut value = request.await.expect("the mock's own answer");
    let (Value::Object(map), Value::Object(changes)) = (&mut value, changes) else {
        panic!("objects expected");
    };
    map.extend(changes);
    value
}

/// JSON text as a value.
#[track_caller]
pub(crate) fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("the sample is JSON")
}

/// A params value from its sample JSON.
#[track_caller]
pub(crate) fn params<T: DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).expect("the sample params parse")
}

/// What one generated test expects the mock to have received.
#[derive(Debug)]
pub(crate) struct Expect {
    pub(crate) method: &'static str,
    /// The path, path parameters percent-encoded.
    pub(crate) path: &'static str,
    /// The query the path itself carries (`beta=true`).
    pub(crate) fixed_query: Option<&'static str>,
    /// The params sent as the query, as sample JSON.
    pub(crate) query: Option<&'static str>,
    /// The params sent as the JSON body, as sample JSON.
    pub(crate) json_body: Option<&'static str>,
    pub(crate) admin: bool,
    pub(crate) beta: Option<&'static str>,
    pub(crate) accept: Option<&'static str>,
    /// The call asked for an event stream: the flag field and its value as
    /// JSON (`("stream", "true")`, `("stream_format", "\"sse\"")`).
    pub(crate) stream: Option<(&'static str, &'static str)>,
    /// Sent as multipart, with a part for each of these file fields.
    pub(crate) multipart: Option<&'static [&'static str]>,
}

/// Checks the one request `server` received against `want`.
#[track_caller]
pub(crate) fn check(server: &MockServer, want: &Expect) {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{want:?}");
    let seen = &requests[0];
    assert_eq!(seen.method().as_str(), want.method, "{want:?}");
    assert_eq!(seen.path(), want.path);
    // The query: the path's own, then the params in bracket form.
    let mut expected: Vec<(String, String)> = Vec::new();
    if let Some(fixed) = want.fixed_query {
        for pair in fixed.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            expected.push((k.to_owned(), v.to_owned()));
        }
    }
    if let Some(query) = want.query {
        flatten(&mut expected, String::new(), &json(query));
        if let Some((field, value)) = want.stream {
            expected.push((field.to_owned(), value.trim_matches('"').to_owned()));
        }
    }
    let mut got = seen.query_pairs();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "query of {}", want.path);
    if let Some(files) = want.multipart {
        let ct = seen.header("content-type").unwrap_or_default();
        assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
        let body = String::from_utf8_lossy(seen.body());
        for name in files {
            let part = format!("name=\"{name}\"; filename=");
            let array = format!("name=\"{name}[]\"; filename=");
            assert!(
                body.contains(&part) || body.contains(&array),
                "no part for `{name}` in {body}"
            );
        }
    }
    match want.json_body {
        Some(body) => {
            assert_eq!(seen.header("content-type"), Some("application/json"));
            assert_eq!(seen.json(), json(body), "body of {}", want.path);
        }
        None if want.stream.is_some() && want.multipart.is_some() => {
            let (field, value) = want.stream.unwrap_or_default();
            let body = String::from_utf8_lossy(seen.body());
            let part = format!("name=\"{field}\"\r\n\r\n{}\r\n", value.trim_matches('"'));
            assert!(body.contains(&part), "{body}");
        }
        None if want.stream.is_some() && want.query.is_none() => {
            let (field, value) = want.stream.unwrap_or_default();
            assert_eq!(seen.json()[field], json(value));
        }
        None => {
            if want.method == "GET" || want.method == "DELETE" {
                assert!(seen.body().is_empty(), "no body on {}", want.method);
            }
        }
    }
    let key = if want.admin { ADMIN_KEY } else { API_KEY };
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {key}").as_str()),
        "credential of {}",
        want.path
    );
    assert_eq!(seen.header("openai-beta"), want.beta);
    if let Some(accept) = want.accept {
        assert_eq!(seen.header("accept"), Some(accept));
    }
}

/// The bracket form of `reference/client.md` 9, written apart from the
/// client's own encoder.
fn flatten(out: &mut Vec<(String, String)>, name: String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((name, b.to_string())),
        Value::Number(n) => out.push((name, n.to_string())),
        Value::String(s) => out.push((name, s.clone())),
        Value::Array(items) => {
            for item in items {
                flatten(out, format!("{name}[]"), item);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let key = if name.is_empty() {
                    k.clone()
                } else {
                    format!("{name}[{k}]")
                };
                flatten(out, key, v);
            }
        }
    }
}
