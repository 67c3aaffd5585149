//! Every operation of the API, called through its generated method against
//! openai-mock (`generated/`, written by `cargo xtask codegen`), and the
//! pagination rules of `reference/pagination.md`.

mod chunked_upload;
mod generated;
mod pagination;
mod polling;
mod special;
mod support;
