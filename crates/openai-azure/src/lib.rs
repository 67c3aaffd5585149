//! Azure OpenAI for the openai-rs SDK.
//!
//! This crate will hold the Azure client builder: deployment routing
//! (`/openai/deployments/{deployment}/...`), the `api-version` query, the
//! `api-key` header and Entra ID token providers, built on the public hooks
//! of `openai-core` and `openai-transport` (path rewriting, credential
//! providers). It is reached through the `openai` facade's `azure` feature
//! as `openai::azure`. The behaviour lands with its own issue; today the
//! crate only fixes its place in the workspace and the feature wiring.

#[doc(no_inline)]
pub use openai_transport::auth::{Credential, CredentialProvider};
