//! What the generated calls share: the call type and the checks of each
//! kind of answer, which turn an error into a line of the report.

use std::error::Error as _;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use futures_util::StreamExt as _;
use openai_core::{Binary, Client, Error, Stream};
use serde::de::DeserializeOwned;

/// What a call returns: `Err` holds the line to report.
pub(crate) type Outcome = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// One generated call.
pub(crate) type Call = fn(Client) -> Outcome;

/// How much of an error body the report shows.
const BODY_START: usize = 1500;

/// A params value from its sample JSON.
pub(crate) fn params<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("the sample params do not parse: {e}"))
}

/// A typed JSON (or text, or page) answer: it parsed if it is `Ok` and is
/// not its union's `Unknown` variant as a whole.
pub(crate) async fn json<T: Debug>(got: Result<T, Error>) -> Result<(), String> {
    known(&got.map_err(|e| describe(&e))?)
}

/// Checks that `value` (or a page's first item) matched a variant of its
/// union: the answer follows the spec, so it should. Every generated union
/// names its fallback `Unknown`, and the Debug form says so; the types are
/// lenient (a missing required field gets a filler), so this is what shows
/// an answer the type did not understand.
///
/// With `OPENAI_CONFORMANCE_STRICT` set, nested values count too: an
/// `Unknown` anywhere, or a field the type does not know (kept in `extra`).
/// Open enums hold `Unknown` legitimately when the spec allows any string,
/// so the strict mode is a report to read, not a gate.
fn known<T: Debug>(value: &T) -> Result<(), String> {
    let text = format!("{value:?}");
    let strict = std::env::var_os("OPENAI_CONFORMANCE_STRICT").is_some();
    let at = if text.starts_with("Unknown(") {
        Some(0)
    } else if let Some(at) = text.find("data: [Unknown(") {
        Some(at)
    } else if strict {
        text.find("Unknown(").or_else(|| text.find("extra: {\""))
    } else {
        None
    };
    match at {
        Some(at) => {
            let start: String = text[at..].chars().take(BODY_START).collect();
            Err(format!(
                "the answer matched no variant of its type: {start}"
            ))
        }
        None => Ok(()),
    }
}

/// A page: its items parsed.
pub(crate) async fn page<T: Debug>(got: Result<T, Error>) -> Result<(), String> {
    json(got).await
}

/// An answer without a body.
pub(crate) async fn empty(got: Result<(), Error>) -> Result<(), String> {
    got.map_err(|e| describe(&e))
}

/// A binary answer, read whole.
pub(crate) async fn binary(got: Result<Binary, Error>) -> Result<(), String> {
    let body = got.map_err(|e| describe(&e))?;
    body.bytes().await.map(drop).map_err(|e| describe(&e))
}

/// A stream, read to its end: every event must parse.
pub(crate) async fn stream<T: Debug>(got: Result<Stream<T>, Error>) -> Result<(), String>
where
    Stream<T>: futures_core::Stream<Item = Result<T, Error>> + Unpin,
{
    let mut events = got.map_err(|e| describe(&e))?;
    let mut count = 0_usize;
    while let Some(event) = events.next().await {
        let event = event.map_err(|e| format!("event {count}: {}", describe(&e)))?;
        known(&event).map_err(|e| format!("event {count}: {e}"))?;
        count += 1;
    }
    if count == 0 {
        return Err("the stream ended without an event".to_owned());
    }
    Ok(())
}

/// One line for an error: the status and body start of an API error, else
/// the error and its sources (a parse error names the field).
fn describe(e: &Error) -> String {
    if let Some(api) = e.as_api() {
        let body = String::from_utf8_lossy(api.raw_body());
        let start: String = body.chars().take(BODY_START).collect();
        return format!("status {}: {start}", api.status());
    }
    let mut line = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        line.push_str(": ");
        line.push_str(&s.to_string());
        source = s.source();
    }
    line
}
