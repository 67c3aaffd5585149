//! Entra ID tokens and API keys computed per attempt: [`TokenProvider`],
//! [`AzureToken`], and the optional cache that refreshes a token before it
//! expires.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http::HeaderName;
use openai_transport::BoxError;
use openai_transport::auth::{Credential, CredentialFuture, CredentialProvider};
use openai_transport::time::SharedTimeSource;

/// The future a [`TokenProvider`] returns.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<AzureToken, BoxError>> + Send>>;

/// A token (or key) with, optionally, when it expires.
#[derive(Clone, PartialEq, Eq)]
pub struct AzureToken {
    value: String,
    expires_at: Option<SystemTime>,
}

impl AzureToken {
    /// A token that does not say when it expires (never cached).
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            expires_at: None,
        }
    }

    /// A token valid until `expires_at` (Entra ID's `expires_on`): with
    /// [`AzureClientBuilder::cache_tokens`](crate::AzureClientBuilder::cache_tokens)
    /// it is reused until shortly before then.
    pub fn expiring(value: impl Into<String>, expires_at: SystemTime) -> Self {
        Self {
            value: value.into(),
            expires_at: Some(expires_at),
        }
    }

    /// When the token expires, if it says.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }
}

impl std::fmt::Debug for AzureToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureToken")
            .field("value", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What a token provider's future may return: a token as a `String` or an
/// [`AzureToken`], or a `Result` of either.
pub trait IntoToken {
    /// The token, or the provider's error.
    ///
    /// # Errors
    ///
    /// The provider's own error.
    fn into_token(self) -> Result<AzureToken, BoxError>;
}

impl IntoToken for String {
    fn into_token(self) -> Result<AzureToken, BoxError> {
        Ok(AzureToken::new(self))
    }
}

impl IntoToken for &'static str {
    fn into_token(self) -> Result<AzureToken, BoxError> {
        Ok(AzureToken::new(self))
    }
}

impl IntoToken for AzureToken {
    fn into_token(self) -> Result<AzureToken, BoxError> {
        Ok(self)
    }
}

impl<E: Into<BoxError>> IntoToken for Result<String, E> {
    fn into_token(self) -> Result<AzureToken, BoxError> {
        self.map(AzureToken::new).map_err(Into::into)
    }
}

impl<E: Into<BoxError>> IntoToken for Result<AzureToken, E> {
    fn into_token(self) -> Result<AzureToken, BoxError> {
        self.map_err(Into::into)
    }
}

/// Produces an Entra ID token (or an API key) before each attempt.
///
/// Implemented for async closures: `|| async { get_token().await }`, whose
/// output is a `String`, an [`AzureToken`], or a `Result` of either
/// ([`IntoToken`]). An error, or an empty token, fails the call at once,
/// without a retry; the message never holds the token.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token for the next attempt.
    fn token(&self) -> TokenFuture;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoToken,
{
    fn token(&self) -> TokenFuture {
        let fut = self();
        Box::pin(async move { fut.await.into_token() })
    }
}

/// A shared provider (`Arc<dyn TokenProvider>`; a `Box` converts with
/// `Arc::from`).
impl<P: TokenProvider + ?Sized> TokenProvider for Arc<P> {
    fn token(&self) -> TokenFuture {
        (**self).token()
    }
}

/// Which header a provided secret goes in, and what a bad one is called.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Placement {
    /// `Authorization: Bearer <token>` (`azure_ad_token_provider`).
    Bearer,
    /// `api-key: <key>` (an API key given as a provider).
    ApiKey,
}

impl Placement {
    fn credential(self, value: &str) -> Result<Credential, BoxError> {
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

/// A [`TokenProvider`] as the transport's [`CredentialProvider`], with the
/// optional cache.
pub(crate) struct ProvidedCredential {
    provider: Arc<dyn TokenProvider>,
    placement: Placement,
    /// `Some(margin)`: reuse a token until `margin` before it expires.
    cache: Option<(Duration, Arc<Mutex<Option<AzureToken>>>)>,
    clock: SharedTimeSource,
}

impl ProvidedCredential {
    pub(crate) fn new(
        provider: Arc<dyn TokenProvider>,
        placement: Placement,
        cache_margin: Option<Duration>,
        clock: SharedTimeSource,
    ) -> Self {
        Self {
            provider,
            placement,
            cache: cache_margin.map(|m| (m, Arc::new(Mutex::new(None)))),
            clock,
        }
    }
}

impl CredentialProvider for ProvidedCredential {
    fn credential(&self) -> CredentialFuture {
        let placement = self.placement;
        if let Some((margin, slot)) = &self.cache {
            let cached = slot.lock().map(|t| t.clone()).ok().flatten();
            let now = self.clock.now();
            if let Some(token) = cached.filter(|t| fresh(t, *margin, now)) {
                return Box::pin(async move { placement.credential(&token.value) });
            }
            let fut = self.provider.token();
            let slot = Arc::clone(slot);
            return Box::pin(async move {
                let token = fut.await?;
                let credential = placement.credential(&token.value)?;
                if token.expires_at.is_some() {
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(token);
                    }
                }
                Ok(credential)
            });
        }
        let fut = self.provider.token();
        Box::pin(async move { placement.credential(&fut.await?.value) })
    }
}

/// Whether `token` is still good for `margin` after `now`.
fn fresh(token: &AzureToken, margin: Duration, now: SystemTime) -> bool {
    token
        .expires_at
        .is_some_and(|at| at.duration_since(now).is_ok_and(|left| left > margin))
}
