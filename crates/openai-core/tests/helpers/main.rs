//! The stream helpers against `openai-mock`: the chat helper
//! (`reference/streaming.md` b) and the Responses helper (c), with the
//! resumption after a cut connection.

mod chat_stream;
mod response_stream;
mod support;
