//! The stream helpers against `openai-mock`: the chat helper
//! (`reference/streaming.md` b), the Responses helper (c), with the
//! resumption after a cut connection, and the Assistants helpers (d).

mod assistant_stream;
mod chat_stream;
mod response_stream;
mod support;
