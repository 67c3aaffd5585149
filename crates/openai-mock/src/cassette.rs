//! Record and replay: real calls saved once to a cassette file, answered from
//! it afterwards, in CI, with no key and no network.
//!
//! [`Cassette`] gives a tower layer ([`CassetteLayer`]) that goes where any
//! HTTP layer goes (the OpenAI client's `ClientBuilder::layer`). In
//! [`Mode::Record`] it passes every request on and appends what was sent and
//! answered to the cassette; in [`Mode::Replay`] it answers from the cassette
//! and sends nothing; [`Mode::Auto`] replays what the cassette has and records
//! the rest.
//!
//! # Matching
//!
//! A request matches a recorded one with the same method, path, query and
//! body. JSON bodies are compared as JSON (key order aside); multipart bodies
//! with their random boundary replaced by a fixed one. Several matching
//! interactions replay in the order they were recorded, the last one again
//! once they are used up, so a loop of identical calls works.
//!
//! # What a cassette holds
//!
//! A JSON file, meant to be committed and reviewed: per interaction, the
//! request's method, path, query and body, and the response's status,
//! headers and body (JSON as JSON, text as text, anything else as hex). A
//! JSON body replays with the same values, written compactly.
//! **Request headers are not recorded at all**, so no API key, token or
//! organization id reaches the file; response headers are, except
//! `set-cookie` and credential headers (`authorization`, `api-key`,
//! `proxy-authorization`, `x-amz-security-token`, `cookie`). Bodies are
//! recorded as sent: keep secrets out of prompts you record.
//!
//! In record mode each response is read whole before it is returned, so a
//! recorded stream arrives at once; replayed, it is one body as well.
//!
//! # Example
//!
//! ```
//! use openai_mock::cassette::{Cassette, Mode};
//! # fn main() -> Result<(), openai_mock::cassette::CassetteError> {
//! let path = std::env::temp_dir().join("doc-cassette.json");
//! # let _ = std::fs::remove_file(&path);
//! // OPENAI_CASSETTE=record|replay|auto picks the mode; here, auto.
//! let cassette = Cassette::open(&path, Mode::from_env().unwrap_or(Mode::Auto))?;
//! let layer = cassette.layer(); // ClientBuilder::layer(layer)
//! # drop(layer);
//! # Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::BodyExt;
use serde_json::{Map, Value, json};
use tower::{Layer, Service};

/// The environment variable [`Mode::from_env`] reads.
pub const CASSETTE_MODE_ENV: &str = "OPENAI_CASSETTE";

/// The boundary multipart bodies are compared and stored with.
const FIXED_BOUNDARY: &str = "cassette-boundary";

/// Response headers never written to a cassette.
const SECRET_HEADERS: [&str; 6] = [
    "authorization",
    "api-key",
    "proxy-authorization",
    "x-amz-security-token",
    "cookie",
    "set-cookie",
];

/// What a [`Cassette`] does with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Send every request and record it (the cassette is rewritten from the
    /// first recorded call on).
    Record,
    /// Answer from the cassette; a request it has no answer for fails with
    /// [`CassetteError::NoMatch`]. Nothing is sent.
    Replay,
    /// Answer from the cassette when it can, send and record otherwise.
    Auto,
}

impl Mode {
    /// The mode named by `OPENAI_CASSETTE` (`record`, `replay` or `auto`),
    /// `None` when it is unset or names none of them.
    pub fn from_env() -> Option<Self> {
        match std::env::var(CASSETTE_MODE_ENV).ok()?.as_str() {
            "record" => Some(Self::Record),
            "replay" => Some(Self::Replay),
            "auto" => Some(Self::Auto),
            _ => None,
        }
    }
}

/// Why a cassette could not be used or had no answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum CassetteError {
    /// The file could not be read or written.
    Io(PathBuf, std::io::Error),
    /// The file is not a cassette.
    Invalid(PathBuf, String),
    /// In replay mode, no recorded interaction matches the request.
    NoMatch {
        /// The request's method.
        method: String,
        /// The request's path (no query).
        path: String,
    },
    /// The request or response body could not be read while recording.
    Body(String),
}

impl fmt::Display for CassetteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(path, e) => write!(f, "cassette {}: {e}", path.display()),
            Self::Invalid(path, why) => write!(f, "cassette {}: {why}", path.display()),
            Self::NoMatch { method, path } => write!(
                f,
                "no recorded interaction matches {method} {path} (record it with {CASSETTE_MODE_ENV}=record)"
            ),
            Self::Body(why) => write!(f, "cassette: could not read a body: {why}"),
        }
    }
}

impl std::error::Error for CassetteError {}

/// One recorded call.
#[derive(Debug, Clone)]
struct Interaction {
    method: String,
    path: String,
    query: String,
    body: Value,
    status: u16,
    headers: Vec<(String, String)>,
    response: Value,
}

/// The cassette's contents and where replay is in it.
#[derive(Debug, Default)]
struct Tape {
    interactions: Vec<Interaction>,
    /// How many times each interaction was replayed.
    used: Vec<usize>,
    /// Whether this run recorded anything yet (record mode starts over).
    recorded: bool,
}

/// A cassette file and its mode; see the [module docs](self).
#[derive(Clone)]
pub struct Cassette {
    path: PathBuf,
    mode: Mode,
    tape: Arc<Mutex<Tape>>,
}

impl fmt::Debug for Cassette {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tape = self.tape.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Cassette")
            .field("path", &self.path)
            .field("mode", &self.mode)
            .field("interactions", &tape.interactions.len())
            .finish()
    }
}

impl Cassette {
    /// The cassette at `path` in `mode`. A missing file is an empty cassette
    /// (in replay mode every request then fails with
    /// [`CassetteError::NoMatch`]).
    ///
    /// # Errors
    ///
    /// When the file exists but cannot be read or is not a cassette.
    pub fn open(path: impl AsRef<Path>, mode: Mode) -> Result<Self, CassetteError> {
        let path = path.as_ref().to_path_buf();
        let interactions = match std::fs::read(&path) {
            Ok(bytes) => parse(&path, &bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(CassetteError::Io(path, e)),
        };
        let used = vec![0; interactions.len()];
        Ok(Self {
            path,
            mode,
            tape: Arc::new(Mutex::new(Tape {
                interactions,
                used,
                recorded: false,
            })),
        })
    }

    /// The layer that records to and replays from this cassette.
    pub fn layer(&self) -> CassetteLayer {
        CassetteLayer {
            cassette: self.clone(),
        }
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// How many interactions the cassette holds.
    pub fn len(&self) -> usize {
        self.lock().interactions.len()
    }

    /// Whether the cassette holds no interaction.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tape> {
        self.tape.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The recorded answer for `key`, if any, marked as used.
    fn replay(&self, key: &Key) -> Option<Response<Bytes>> {
        let mut tape = self.lock();
        let matching: Vec<usize> = (0..tape.interactions.len())
            .filter(|&i| key.matches(&tape.interactions[i]))
            .collect();
        let pick = matching
            .iter()
            .copied()
            .find(|&i| tape.used[i] == 0)
            .or_else(|| matching.last().copied())?;
        tape.used[pick] += 1;
        Some(answer(&tape.interactions[pick]))
    }

    /// Appends an interaction and writes the file.
    fn record(&self, interaction: Interaction) -> Result<(), CassetteError> {
        let mut tape = self.lock();
        if self.mode == Mode::Record && !tape.recorded {
            tape.interactions.clear();
            tape.used.clear();
        }
        tape.recorded = true;
        tape.interactions.push(interaction);
        tape.used.push(1);
        let file = json!({
            "version": 1,
            "interactions": tape.interactions.iter().map(to_json).collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&file).expect("a JSON value serializes");
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text + "\n")
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .map_err(|e| CassetteError::Io(self.path.clone(), e))
    }
}

/// Layer adding [`CassetteService`].
#[derive(Debug, Clone)]
pub struct CassetteLayer {
    cassette: Cassette,
}

impl<S> Layer<S> for CassetteLayer {
    type Service = CassetteService<S>;

    fn layer(&self, inner: S) -> CassetteService<S> {
        CassetteService {
            inner,
            cassette: self.cassette.clone(),
        }
    }
}

/// Records or replays each request; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct CassetteService<S> {
    inner: S,
    cassette: Cassette,
}

/// What a request is matched on.
#[derive(Debug)]
struct Key {
    method: String,
    path: String,
    query: String,
    body: Value,
}

impl Key {
    fn matches(&self, recorded: &Interaction) -> bool {
        self.method == recorded.method
            && self.path == recorded.path
            && self.query == recorded.query
            && self.body == recorded.body
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<S, B, RB> Service<Request<B>> for CassetteService<S>
where
    S: Service<Request<B>, Response = Response<RB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: From<CassetteError> + Send + 'static,
    B: Body + From<Bytes> + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    RB: Body + From<Bytes> + Send + 'static,
    RB::Data: Send,
    RB::Error: Into<BoxError>,
{
    type Response = Response<RB>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<RB>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let cassette = self.cassette.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|e| CassetteError::Body(e.into().to_string()))?
                .to_bytes();
            let key = Key {
                method: parts.method.as_str().to_owned(),
                path: parts.uri.path().to_owned(),
                query: parts.uri.query().unwrap_or_default().to_owned(),
                body: body_value(&normalize(&parts.headers, &bytes)),
            };
            if cassette.mode != Mode::Record {
                if let Some(answer) = cassette.replay(&key) {
                    return Ok(answer.map(RB::from));
                }
                if cassette.mode == Mode::Replay {
                    return Err(CassetteError::NoMatch {
                        method: key.method,
                        path: key.path,
                    }
                    .into());
                }
            }
            let response = inner
                .call(Request::from_parts(parts, B::from(bytes)))
                .await?;
            let (parts, body) = response.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|e| CassetteError::Body(e.into().to_string()))?
                .to_bytes();
            let headers = parts
                .headers
                .iter()
                .filter(|(name, _)| !SECRET_HEADERS.contains(&name.as_str()))
                .filter_map(|(name, value)| {
                    Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
                })
                .collect();
            cassette.record(Interaction {
                method: key.method,
                path: key.path,
                query: key.query,
                body: key.body,
                status: parts.status.as_u16(),
                headers,
                response: body_value(&bytes),
            })?;
            Ok(Response::from_parts(parts, RB::from(bytes)))
        })
    }
}

/// `bytes` with a multipart boundary (from `Content-Type`) replaced by a
/// fixed one, so the same form matches whatever boundary it was sent with.
fn normalize(headers: &HeaderMap, bytes: &Bytes) -> Bytes {
    let boundary = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|ct| ct.starts_with("multipart/"))
        .and_then(|ct| ct.split("boundary=").nth(1))
        .map(|b| {
            b.split(';')
                .next()
                .unwrap_or(b)
                .trim_matches('"')
                .to_owned()
        });
    let Some(boundary) = boundary.filter(|b| !b.is_empty()) else {
        return bytes.clone();
    };
    let mut out = Vec::with_capacity(bytes.len());
    let needle = boundary.as_bytes();
    let mut rest = &bytes[..];
    while let Some(at) = find(rest, needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(FIXED_BOUNDARY.as_bytes());
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    Bytes::from(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A body as stored: JSON as JSON, empty as null, UTF-8 text as
/// `{"text": ..}`, anything else as `{"hex": ..}`.
fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        return json!({ "json": value });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => json!({ "text": text }),
        Err(_) => json!({ "hex": hex(bytes) }),
    }
}

/// The bytes of a stored body.
fn body_bytes(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Object(map) => {
            if let Some(json) = map.get("json") {
                return serde_json::to_vec(json).ok();
            }
            if let Some(text) = map.get("text").and_then(Value::as_str) {
                return Some(text.as_bytes().to_vec());
            }
            unhex(map.get("hex")?.as_str()?)
        }
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The recorded response.
fn answer(interaction: &Interaction) -> Response<Bytes> {
    let body = body_bytes(&interaction.response).unwrap_or_default();
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = StatusCode::from_u16(interaction.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    for (name, value) in &interaction.headers {
        // The body is stored decoded and whole: its old length and encoding
        // no longer describe it.
        if name == "content-length" || name == "content-encoding" || name == "transfer-encoding" {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.append(name, value);
        }
    }
    response
}

fn to_json(i: &Interaction) -> Value {
    let headers: Map<String, Value> = i
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "request": {"method": i.method, "path": i.path, "query": i.query, "body": i.body},
        "response": {"status": i.status, "headers": headers, "body": i.response},
    })
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<Interaction>, CassetteError> {
    let invalid = |why: &str| CassetteError::Invalid(path.to_path_buf(), why.to_owned());
    let file: Value = serde_json::from_slice(bytes).map_err(|e| invalid(&e.to_string()))?;
    let list = file
        .get("interactions")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("no `interactions` list"))?;
    list.iter()
        .map(|item| {
            let request = item
                .get("request")
                .ok_or_else(|| invalid("an interaction has no request"))?;
            let response = item
                .get("response")
                .ok_or_else(|| invalid("an interaction has no response"))?;
            let text = |v: &Value, key: &str| {
                v.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| invalid(&format!("`{key}` is missing or not a string")))
            };
            let headers = response
                .get("headers")
                .and_then(Value::as_object)
                .map(|map| {
                    map.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default();
            let status = response
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .ok_or_else(|| invalid("a response has no status"))?;
            Ok(Interaction {
                method: text(request, "method")?,
                path: text(request, "path")?,
                query: request
                    .get("query")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                body: request.get("body").cloned().unwrap_or(Value::Null),
                status,
                headers,
                response: response.get("body").cloned().unwrap_or(Value::Null),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
