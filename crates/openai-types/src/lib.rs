//! Serde models of OpenAI API requests and responses.
//!
//! No I/O and no HTTP: these are plain data types that (de)serialize the wire
//! format, shared by the client (`openai-core`), the mock server's users and
//! anyone who logs or proxies OpenAI traffic. Paths mirror the Python SDK's
//! `openai.types` modules: [`chat::ChatCompletion`],
//! [`CreateEmbeddingResponse`], [`Model`].
//!
//! Forward compatibility: response types keep fields they do not name in an
//! `extra` map and write them back on serialize, and fields the spec marks
//! required default when a compatible server leaves them out.
//!
//! ```
//! use openai_types::chat::{ChatCompletionCreateParams, ChatMessage, ContentPart};
//!
//! let params = ChatCompletionCreateParams::new(
//!     "gpt-4o",
//!     [
//!         ChatMessage::system("Be brief."),
//!         ChatMessage::user([ContentPart::text("What is this?"), ContentPart::image_url("https://x/y.png")]),
//!     ],
//! )
//! .temperature(0.2);
//! let json = serde_json::to_value(&params).unwrap();
//! assert_eq!(json["messages"][1]["content"][1]["type"], "image_url");
//! ```
#![doc(test(attr(deny(warnings))))]

mod base64;
pub mod chat;
mod embedding;
mod meta;
mod model;

pub use embedding::{
    CreateEmbeddingResponse, Embedding, EmbeddingCreateParams, EmbeddingInput, EmbeddingUsage,
    EmbeddingVector,
};
pub use meta::ResponseMeta;
pub use model::{Model, ModelDeleted};

/// Fields a type does not name, kept as JSON and written back on serialize.
pub type ExtraFields = serde_json::Map<String, serde_json::Value>;
