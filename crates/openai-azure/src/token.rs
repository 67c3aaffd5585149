//! Which header a provided Azure secret goes in, and the messages for a bad
//! one. The providers themselves ([`TokenProvider`](openai_core::auth::TokenProvider),
//! [`AzureToken`](crate::AzureToken)) and the cache live in
//! `openai_core::auth`, shared with the OpenAI client's `api_key_provider`.

use http::HeaderName;
use openai_transport::BoxError;
use openai_transport::auth::Credential;

/// Which header a provided secret goes in, and what a bad one is called.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Placement {
    /// `Authorization: Bearer <token>` (`azure_ad_token_provider`).
    Bearer,
    /// `api-key: <key>` (an API key given as a provider).
    ApiKey,
}

impl Placement {
    pub(crate) fn credential(self, value: &str) -> Result<Credential, BoxError> {
        let (empty, bad) = match self {
            Self::Bearer => (
                "Expected `azure_ad_token_provider` argument to return a non-empty string.",
                "the token of `azure_ad_token_provider` holds characters a header cannot carry",
            ),
            Self::ApiKey => (
                "Expected the `api_key` provider to return a non-empty string.",
                "the key of the `api_key` provider holds characters a header cannot carry",
            ),
        };
        if value.is_empty() {
            return Err(empty.into());
        }
        let made = match self {
            Self::Bearer => Credential::bearer(value),
            Self::ApiKey => Credential::header(HeaderName::from_static("api-key"), value),
        };
        made.map_err(|_| bad.into())
    }
}

/// `Authorization: Bearer <token>` from `azure_ad_token_provider`.
pub(crate) fn bearer(value: &str) -> Result<Credential, BoxError> {
    Placement::Bearer.credential(value)
}

/// `api-key: <key>` from an API key provider.
pub(crate) fn api_key(value: &str) -> Result<Credential, BoxError> {
    Placement::ApiKey.credential(value)
}
