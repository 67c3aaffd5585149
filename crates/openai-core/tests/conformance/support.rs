//! What the generated calls share: the call type and the checks of each
//! kind of answer, which turn an error into a line of the report.

use std::error::Error as _;
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

/// A typed JSON (or text, or page) answer: it parsed if it is `Ok`.
pub(crate) async fn json<T>(got: Result<T, Error>) -> Result<(), String> {
    got.map(drop).map_err(|e| describe(&e))
}

/// A page: its items parsed.
pub(crate) async fn page<T>(got: Result<T, Error>) -> Result<(), String> {
    json(got).await
}

/// An answer without a body.
pub(crate) async fn empty(got: Result<(), Error>) -> Result<(), String> {
    json(got).await
}

/// A binary answer, read whole.
pub(crate) async fn binary(got: Result<Binary, Error>) -> Result<(), String> {
    let body = got.map_err(|e| describe(&e))?;
    body.bytes().await.map(drop).map_err(|e| describe(&e))
}

/// A stream, read to its end: every event must parse.
pub(crate) async fn stream<T>(got: Result<Stream<T>, Error>) -> Result<(), String>
where
    Stream<T>: futures_core::Stream<Item = Result<T, Error>> + Unpin,
{
    let mut events = got.map_err(|e| describe(&e))?;
    let mut count = 0_usize;
    while let Some(event) = events.next().await {
        event.map_err(|e| format!("event {count}: {}", describe(&e)))?;
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
