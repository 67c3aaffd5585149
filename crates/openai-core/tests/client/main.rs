//! Client integration tests: every call goes through the real HTTP stack to an
//! `openai-mock` server on 127.0.0.1, started on the test's own runtime.
//!
//! The cases restate the Python SDK's client tests
//! (`reference/tests-to-match.md` sections 2 to 10) and the header, retry,
//! timeout and error rules of `reference/client.md` sections 2 to 5.
//! Time-based tests run on a paused clock and never sleep.

mod bounds;
mod cassette;
mod compression;
mod credentials;
mod errors;
mod headers;
mod hostile;
mod layers;
mod options;
mod resources;
mod retries;
mod secrets;
mod streamed;
mod streaming;
mod support;
mod telemetry;
mod timeouts;
mod urls;
