//! The stream helpers against `openai-mock`: the chat helper
//! (`reference/streaming.md` b), the Responses helper (c), with the
//! resumption after a cut connection, the Assistants helpers (d), and the
//! structured outputs of `reference/helpers.md` b.

mod assistant_stream;
mod chat_stream;
mod parse;
mod response_stream;
mod support;
