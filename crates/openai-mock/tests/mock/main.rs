//! Integration tests of `openai-mock`, driven through a plain hyper-util client on
//! 127.0.0.1, on the test's own runtime.

mod faults;
mod hostile;
mod model;
mod queue;
mod spec;
mod streaming;
mod support;
mod websocket;
