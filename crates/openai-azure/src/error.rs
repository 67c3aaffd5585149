//! [`AzureError`]: why an Azure client could not be built.

use std::error::Error as StdError;
use std::fmt;

/// Why [`AzureClientBuilder::build`](crate::AzureClientBuilder::build)
/// failed. The checks run in the order of reference/azure.md section 3, and
/// the messages are the Python SDK's.
#[derive(Debug)]
#[non_exhaustive]
pub enum AzureError {
    /// More than one of `api_key` (or its provider), `azure_ad_token` and
    /// `azure_ad_token_provider` was given (Python's
    /// `MutuallyExclusiveAuthError`).
    MutuallyExclusiveAuth,
    /// No credential, given or in `AZURE_OPENAI_AD_TOKEN` /
    /// `AZURE_OPENAI_API_KEY`.
    MissingCredentials,
    /// No `api_version` and no `OPENAI_API_VERSION`.
    MissingApiVersion,
    /// No `base_url`, no `azure_endpoint` and no `AZURE_OPENAI_ENDPOINT`.
    MissingEndpoint,
    /// Both `base_url` and `azure_endpoint` were given.
    BaseUrlAndEndpoint,
    /// A credential holds characters an HTTP header cannot carry (the value
    /// is not shown).
    InvalidCredential,
    /// The client under the Azure settings could not be built (a bad URL, a
    /// bad header, a proxy).
    Client(openai_core::Error),
}

impl fmt::Display for AzureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MutuallyExclusiveAuth => f.write_str(
                "The `api_key`, `azure_ad_token` and `azure_ad_token_provider` arguments are mutually exclusive; Only one can be passed at a time",
            ),
            Self::MissingCredentials => f.write_str(
                "Missing credentials. Please pass one of `api_key`, `azure_ad_token`, `azure_ad_token_provider`, or the `AZURE_OPENAI_API_KEY` or `AZURE_OPENAI_AD_TOKEN` environment variables.",
            ),
            Self::MissingApiVersion => f.write_str(
                "Must provide either the `api_version` argument or the `OPENAI_API_VERSION` environment variable",
            ),
            Self::MissingEndpoint => f.write_str(
                "Must provide one of the `base_url` or `azure_endpoint` arguments, or the `AZURE_OPENAI_ENDPOINT` environment variable",
            ),
            Self::BaseUrlAndEndpoint => f.write_str("base_url and azure_endpoint are mutually exclusive"),
            Self::InvalidCredential => {
                f.write_str("the credential contains characters an HTTP header cannot carry")
            }
            Self::Client(e) => write!(f, "{e}"),
        }
    }
}

impl StdError for AzureError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Client(e) => Some(e),
            _ => None,
        }
    }
}

impl From<openai_core::Error> for AzureError {
    fn from(e: openai_core::Error) -> Self {
        Self::Client(e)
    }
}
