//! Credentials the client computes: [`TokenProvider`] (async closures that
//! return a key or token), [`Token`], and [`TokenCredential`], which turns a
//! provider into the transport's per-attempt [`CredentialProvider`] with an
//! optional cache. [`ClientBuilder::api_key_provider`](crate::ClientBuilder::api_key_provider)
//! and the Azure client's token providers are built on them, and so is
//! [`WorkloadIdentity`]'s subject token.
//!
//! # Workload identity
//!
//! [`WorkloadIdentity`] (`reference/client.md` 17): the client trades a
//! subject token from the workload's identity provider (a Kubernetes service
//! account token, a cloud identity token) for an OpenAI access token at
//! `https://auth.openai.com/oauth/token`, caches it, and refreshes it ahead
//! of expiry.
//!
//! How it runs: the client's API-key credential is the placeholder
//! `workload-identity-auth`, as in Python, and [`WorkloadAuthLayer`], the
//! innermost layer of the stack (under the caller's own layers), puts the
//! access token in its place just before sending. The token exchange goes
//! through the same connection pool, proxy and TLS, but not through the
//! caller's layers, which never see the subject token. On a `401` the cached
//! token is dropped and the request re-sent once with a fresh one, whatever
//! `max_retries` says; admin endpoints, which carry the admin key, are left
//! alone.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use openai_transport::BoxError;
use openai_transport::auth::{Credential, CredentialFuture, CredentialProvider};
use openai_transport::time::SharedTimeSource;

mod workload;

pub use workload::{
    DEFAULT_TOKEN_URL, MAX_REFRESH_AHEAD, SubjectTokenType, TOKEN_EXCHANGE_TIMEOUT,
    WORKLOAD_IDENTITY_PLACEHOLDER, WorkloadAuth, WorkloadAuthLayer, WorkloadIdentity,
    WorkloadIdentityError,
};

/// The future a [`TokenProvider`] returns.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<Token, BoxError>> + Send>>;

/// A token (or key) with, optionally, when it expires. Its `Debug` never
/// shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    value: String,
    expires_at: Option<SystemTime>,
}

impl Token {
    /// A token that does not say when it expires (never cached).
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            expires_at: None,
        }
    }

    /// A token valid until `expires_at` (Entra ID's `expires_on`, an OAuth
    /// `expires_in` from now): a cache ([`TokenCredential::cache`]) reuses it
    /// until shortly before then.
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

    /// The token itself.
    pub fn secret(&self) -> &str {
        &self.value
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("value", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What a token provider's future may return: a token as a `String` or an
/// [`Token`], or a `Result` of either.
pub trait IntoToken {
    /// The token, or the provider's error.
    ///
    /// # Errors
    ///
    /// The provider's own error.
    fn into_token(self) -> Result<Token, BoxError>;
}

impl IntoToken for String {
    fn into_token(self) -> Result<Token, BoxError> {
        Ok(Token::new(self))
    }
}

impl IntoToken for &'static str {
    fn into_token(self) -> Result<Token, BoxError> {
        Ok(Token::new(self))
    }
}

impl IntoToken for Token {
    fn into_token(self) -> Result<Token, BoxError> {
        Ok(self)
    }
}

impl<E: Into<BoxError>> IntoToken for Result<String, E> {
    fn into_token(self) -> Result<Token, BoxError> {
        self.map(Token::new).map_err(Into::into)
    }
}

impl<E: Into<BoxError>> IntoToken for Result<Token, E> {
    fn into_token(self) -> Result<Token, BoxError> {
        self.map_err(Into::into)
    }
}

/// Produces a token (an API key, an Entra ID token, a workload's subject
/// token) when the client needs one: before each attempt, unless cached.
///
/// Implemented for async closures: `|| async { get_token().await }`, whose
/// output is a `String`, an [`Token`], or a `Result` of either
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

/// A [`TokenProvider`] as the transport's [`CredentialProvider`]: each
/// token becomes a header through `make` (which also refuses an empty or
/// unsendable token, with its own message), optionally cached.
pub struct TokenCredential {
    provider: Arc<dyn TokenProvider>,
    make: fn(&str) -> Result<Credential, BoxError>,
    /// `Some(margin)`: reuse a token until `margin` before it expires.
    cache: Option<(Duration, Arc<Mutex<Option<Token>>>)>,
    clock: SharedTimeSource,
}

impl TokenCredential {
    /// Calls `provider` before every attempt and makes the header with `make`.
    pub fn new(
        provider: Arc<dyn TokenProvider>,
        make: fn(&str) -> Result<Credential, BoxError>,
    ) -> Self {
        Self {
            provider,
            make,
            cache: None,
            clock: SharedTimeSource::default(),
        }
    }

    /// Reuses a token that says when it expires ([`Token::expiring`]) until
    /// `margin` before then, by `clock`, instead of calling the provider on
    /// every attempt.
    pub fn cache(mut self, margin: Duration, clock: SharedTimeSource) -> Self {
        self.cache = Some((margin, Arc::new(Mutex::new(None))));
        self.clock = clock;
        self
    }
}

impl std::fmt::Debug for TokenCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCredential")
            .field("cache_margin", &self.cache.as_ref().map(|(m, _)| m))
            .finish_non_exhaustive()
    }
}

impl CredentialProvider for TokenCredential {
    fn credential(&self) -> CredentialFuture {
        let make = self.make;
        if let Some((margin, slot)) = &self.cache {
            let cached = slot.lock().map(|t| t.clone()).ok().flatten();
            let now = self.clock.now();
            if let Some(token) = cached.filter(|t| fresh(t, *margin, now)) {
                return Box::pin(async move { make(&token.value) });
            }
            let fut = self.provider.token();
            let slot = Arc::clone(slot);
            return Box::pin(async move {
                let token = fut.await?;
                let credential = make(&token.value)?;
                if token.expires_at.is_some() {
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(token);
                    }
                }
                Ok(credential)
            });
        }
        let fut = self.provider.token();
        Box::pin(async move { make(&fut.await?.value) })
    }
}

/// Whether `token` is still good for `margin` after `now`.
fn fresh(token: &Token, margin: Duration, now: SystemTime) -> bool {
    token
        .expires_at
        .is_some_and(|at| at.duration_since(now).is_ok_and(|left| left > margin))
}
