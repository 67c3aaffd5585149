//! [`RecordedRequest`]: what the server received, kept for assertions.
//!
//! The server records every request, in arrival order, before it decides how to answer
//! it (queued mock, default mock or the built-in model). Tests read them back with
//! [`MockServer::requests`](crate::MockServer::requests).

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};

/// One HTTP request received by a [`MockServer`](crate::MockServer).
///
/// The body is kept whole (up to the server's 64 MiB cap), so tests can assert on the
/// exact bytes a client sent, on the decoded JSON, on headers and on the query string.
///
/// # Examples
///
/// ```
/// # use http_body_util::Full;
/// # use hyper_util::{client::legacy::Client, rt::TokioExecutor};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// # let server = openai_mock::MockServer::start().await;
/// # let client = Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
/// # let request = http::Request::post(format!("{}/chat/completions?x=a%20b", server.url()))
/// #     .header("authorization", "Bearer test")
/// #     .body(Full::from(r#"{"model":"gpt-4o","messages":[]}"#))
/// #     .unwrap();
/// # client.request(request).await.unwrap();
/// let request = &server.requests()[0];
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.path(), "/v1/chat/completions");
/// assert_eq!(request.json()["model"], "gpt-4o");
/// assert_eq!(request.header("authorization"), Some("Bearer test"));
/// assert_eq!(request.query_pairs(), [("x".to_owned(), "a b".to_owned())]);
/// # }
/// ```
#[derive(Clone)]
pub struct RecordedRequest {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
}

impl RecordedRequest {
    pub(crate) fn new(
        method: Method,
        path: String,
        query: Option<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        Self {
            method,
            path,
            query,
            headers,
            body,
        }
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request path, without the query string, exactly as sent (still percent-encoded),
    /// for example `/v1/chat/completions`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw query string (without the leading `?`), if the request had one.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The query string split into `(name, value)` pairs, in order, percent-decoded
    /// (`+` decodes to a space). Empty when there is no query string.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query.as_deref().map(parse_query).unwrap_or_default()
    }

    /// All request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name` (case-insensitive), if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The request body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The request body as UTF-8 text, or `None` if it is not valid UTF-8.
    pub fn body_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The request body parsed as JSON.
    ///
    /// Returns [`serde_json::Value::Null`] when the body is empty or not valid JSON, so
    /// `request.json()["model"]` can be asserted on directly.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RecordedRequest");
        d.field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers);
        match self.body_str() {
            Some(text) if text.len() <= 1024 => d.field("body", &text),
            _ => d.field("body_len", &self.body.len()),
        };
        d.finish()
    }
}

/// Splits a query string into percent-decoded pairs. A pair without `=` has an empty value.
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(name, true), decode_component(value, true))
        })
        .collect()
}

/// Percent-decodes `input`; with `plus_is_space`, `+` becomes a space (form encoding).
/// Malformed escapes are kept as they are; invalid UTF-8 is replaced with U+FFFD.
pub(crate) fn decode_component(input: &str, plus_is_space: bool) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi << 4) | lo);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_and_plus() {
        assert_eq!(decode_component("a%20b+c", true), "a b c");
        assert_eq!(decode_component("a+b", false), "a+b");
        assert_eq!(decode_component("%E2%9C%93", true), "\u{2713}");
        assert_eq!(decode_component("100%", true), "100%");
        assert_eq!(decode_component("%zz%4", true), "%zz%4");
        assert_eq!(decode_component("%4a", true), "J");
    }

    #[test]
    fn splits_pairs() {
        assert_eq!(
            parse_query("limit=10&after=obj%2F1&flag&&order=desc"),
            vec![
                ("limit".to_owned(), "10".to_owned()),
                ("after".to_owned(), "obj/1".to_owned()),
                ("flag".to_owned(), String::new()),
                ("order".to_owned(), "desc".to_owned()),
            ]
        );
    }
}
