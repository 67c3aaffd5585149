//! The API's resources, by the Python SDK's paths: `client.chat().completions()`,
//! `client.models()`, `client.embeddings()`.

pub mod chat;
pub mod embeddings;
pub mod models;
