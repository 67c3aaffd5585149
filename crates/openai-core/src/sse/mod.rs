//! Server-sent events: the byte-level [`Decoder`] and the typed [`Stream`].
//!
//! The decoder is sans-I/O (it only turns bytes into events); [`Stream`]
//! polls the HTTP body itself, so the stream the caller polls drives the
//! socket: no task is spawned and nothing is buffered beyond the current
//! event.

mod decoder;
mod stream;

pub use decoder::{Decoder, Event, SseError};
pub use stream::Stream;
