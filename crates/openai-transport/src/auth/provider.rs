//! Credentials computed per attempt.

use std::future::Future;
use std::pin::Pin;

use super::Credential;
use crate::BoxError;

/// The future a [`CredentialProvider`] returns.
pub type CredentialFuture = Pin<Box<dyn Future<Output = Result<Credential, BoxError>> + Send>>;

/// Produces a credential before each attempt: a refreshing token, a rotating key.
///
/// Implemented for closures returning a [`CredentialFuture`]. Errors fail the
/// request without a retry.
pub trait CredentialProvider: Send + Sync + 'static {
    /// The credential for the next attempt.
    fn credential(&self) -> CredentialFuture;
}

impl<F> CredentialProvider for F
where
    F: Fn() -> CredentialFuture + Send + Sync + 'static,
{
    fn credential(&self) -> CredentialFuture {
        self()
    }
}

// Object safety is part of the contract: clients store `Arc<dyn CredentialProvider>`.
const _: fn(&dyn CredentialProvider) = |_| {};
