//! Serde models of every OpenAI API request and response: generated from the
//! official OpenAPI spec, lossless, forward compatible, no I/O.
//!
//! Paths mirror the Python SDK's `openai.types` modules:
//! [`chat::ChatCompletion`], [`CreateEmbeddingResponse`], [`Model`],
//! `responses::Response`, `beta::threads::Run`. Each resource group is a
//! cargo feature (`chat`, `embeddings`, ..., or `full`); schemas shared by
//! several groups are always on.
//!
//! # Lossless by default
//!
//! - Every object keeps the fields it does not name ([`ExtraFields`]) and
//!   writes them back; `field_state("x")` tells missing from null from present.
//! - Every string enum is open: an unknown value is kept (`Unknown`) and
//!   serialized back unchanged; match with a wildcard arm or compare `as_str()`.
//! - Unions dispatch on their tag and fall back to the raw JSON instead of failing.
//! - Optional fields are [`Nullable`]: absent, `null`, or a value.
//! - A response missing a field the spec marks required still parses (the
//!   field takes its default, and `field_state` reports it missing), so
//!   OpenAI-compatible servers that omit `object` or `created` work.
//!
//! # Boxed fields
//!
//! An optional field that holds an object (a struct, or a union with an
//! object variant) is a `Nullable<Box<T>>`: such fields are missing from most
//! payloads (`usage`, `logprobs`, `response_format`, ...), and boxed they keep
//! the types that contain them small, which makes parsing and moving values
//! cheaper. Reading goes through the box unnoticed (`usage.total_tokens`);
//! the generated setters take the unboxed value. Fields that would make a type
//! contain itself are boxed too. A few fields present in almost every payload
//! of their type stay inline (a chat completion's `usage` and its details;
//! the list is `xtask/inline.tsv`).
//!
//! A required single-value field (`object: "chat.completion"`, a message's
//! `role`) is a `Cow<'static, str>`: it borrows the constant, so building or
//! parsing a value allocates nothing for it, and any other string a server
//! sends is kept as it came.
//!
//! The code under `generated/` is written by `cargo xtask codegen`; the
//! hand-written ergonomic layer ([`chat::ChatMessage`] constructors,
//! [`chat::ContentPart::image_bytes`], ...) lives beside it.
//!
#![cfg_attr(feature = "chat", doc = "```")]
#![cfg_attr(not(feature = "chat"), doc = "```text")]
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
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(
    feature = "realtime",
    feature = "responses",
    feature = "beta-responses"
))]
mod audio_ext;
#[cfg(any(
    feature = "chat",
    feature = "embeddings",
    feature = "realtime",
    feature = "responses",
    feature = "beta-responses"
))]
mod base64;
#[cfg(any(
    feature = "realtime",
    feature = "responses",
    feature = "beta-responses"
))]
pub use audio_ext::InvalidAudio;
#[cfg(feature = "chat")]
mod chat_ext;
#[cfg(feature = "embeddings")]
mod embeddings_ext;
mod file_upload;
mod generated;
mod meta;
#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
pub mod structured;
mod support;

/// The `schemars` crate, for `#[derive(JsonSchema)]` on the types given to
/// structured outputs (`#[schemars(crate = "openai_types::schemars")]` when
/// your crate does not depend on `schemars` itself).
#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
pub use schemars;

pub use file_upload::{FileSource, FileUpload};
pub use meta::ResponseMeta;
pub use support::{ExtraFields, FieldState, FromJsonSlice, Nullable, UnknownValue};

// openai.types (top level) and openai.types.shared
#[cfg(feature = "batches")]
pub use generated::batches::*;
#[cfg(feature = "completions")]
pub use generated::completions::*;
#[cfg(feature = "content-provenance")]
pub use generated::content_provenance::*;
#[cfg(feature = "embeddings")]
pub use generated::embeddings::*;
#[cfg(feature = "files")]
pub use generated::files::*;
/// The purpose of an uploaded file (Python: `FilePurpose`), the name `API.md`
/// promises: `FileCreateParams::new(upload, FilePurpose::FineTune)`.
#[cfg(feature = "files")]
pub type FilePurpose = generated::files::FileCreateParamsPurpose;
#[cfg(feature = "images")]
pub use generated::images::*;
#[cfg(feature = "models")]
pub use generated::models::*;
#[cfg(feature = "moderations")]
pub use generated::moderations::*;
pub use generated::shared::*;
#[cfg(feature = "uploads")]
pub use generated::uploads::*;
#[cfg(feature = "vector-stores")]
pub use generated::vector_stores::*;
#[cfg(feature = "chat")]
pub mod chat {
    //! `openai.types.chat`: chat completions.
    pub use crate::chat_ext::{ChatMessage, ContentPart, ResponseFormat};
    pub use crate::generated::chat::*;
}
#[cfg(feature = "responses")]
pub mod responses {
    //! `openai.types.responses`.
    pub use crate::generated::responses::*;
}
#[cfg(feature = "audio")]
pub mod audio {
    //! `openai.types.audio`.
    pub use crate::generated::audio::*;
}
#[cfg(feature = "fine-tuning")]
pub mod fine_tuning {
    //! `openai.types.fine_tuning`.
    pub use crate::generated::fine_tuning::*;
}
#[cfg(feature = "realtime")]
pub mod realtime {
    //! `openai.types.realtime`.
    pub use crate::generated::realtime::*;
}
#[cfg(feature = "conversations")]
pub mod conversations {
    //! `openai.types.conversations`.
    pub use crate::generated::conversations::*;
}
#[cfg(feature = "evals")]
pub mod evals {
    //! `openai.types.evals`.
    pub use crate::generated::evals::*;
}
#[cfg(feature = "containers")]
pub mod containers {
    //! `openai.types.containers`.
    pub use crate::generated::containers::*;
}
#[cfg(feature = "videos")]
pub mod videos {
    //! `openai.types.videos`.
    pub use crate::generated::videos::*;
}
#[cfg(feature = "skills")]
pub mod skills {
    //! `openai.types.skills`.
    pub use crate::generated::skills::*;
}
#[cfg(feature = "webhooks")]
pub mod webhooks {
    //! `openai.types.webhooks`.
    pub use crate::generated::webhooks::*;
}
#[cfg(feature = "admin")]
pub mod admin {
    //! `openai.types.admin`.
    pub use crate::generated::admin::*;
}
pub mod beta {
    //! `openai.types.beta`.
    #[cfg(feature = "assistants")]
    pub use crate::generated::assistants::*;
    #[cfg(feature = "threads")]
    pub mod threads {
        //! `openai.types.beta.threads`.
        pub use crate::generated::threads::*;
    }
    #[cfg(feature = "beta-responses")]
    pub mod responses {
        //! `openai.types.beta.responses`.
        pub use crate::generated::beta_responses::*;
    }
    #[cfg(feature = "chatkit")]
    pub mod chatkit {
        //! `openai.types.beta.chatkit`.
        pub use crate::generated::chatkit::*;
    }
}
