//! Credentials, added to each attempt.
//!
//! [`Auth`] puts the credential on every attempt (inside the retry loop), so a
//! refreshable credential — an Azure Entra ID token provider, a key callback —
//! is asked again before each attempt, as `reference/client.md` 4.5 requires.
//!
//! Which credential applies depends on the request's [`AuthScope`]: ordinary
//! endpoints use the API key, admin endpoints the admin key
//! (`reference/client.md` 1.4). A request that already carries an
//! `Authorization` header, or that omits it through
//! [`OmitHeaders`], is left alone. When nothing
//! applies, the request fails before it is sent with [`MissingCredential`],
//! which is not retried.
//!
//! Credential values are marked sensitive, and [`Credentials`]' `Debug` never
//! shows them.

mod provider;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use http::HeaderValue;
use http::header::{AUTHORIZATION, HeaderName};
use pin_project::pin_project;
use tower::{Layer, Service};

use crate::error::Permanent;
use crate::headers::OmitHeaders;
use crate::{BoxError, HttpRequest, HttpResponse};

pub use provider::{CredentialFuture, CredentialProvider};

/// Request extension: which credential the endpoint accepts. A request
/// without it is an ordinary endpoint's ([`AuthScope::ApiKey`]), so the
/// common case needs no extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthScope {
    /// The API key, falling back to the admin key (hand-made requests).
    Any,
    /// Only the API key (ordinary endpoints). The default.
    #[default]
    ApiKey,
    /// Only the admin key (`/organization/...` admin endpoints).
    Admin,
}

/// A header to put on a request, whose value is a secret.
#[derive(Clone)]
pub struct Credential {
    name: HeaderName,
    value: HeaderValue,
}

impl Credential {
    /// `Authorization: Bearer <token>`. Fails on characters a header cannot hold.
    pub fn bearer(token: &str) -> Result<Self, InvalidCredential> {
        Self::header(AUTHORIZATION, &format!("Bearer {token}"))
    }

    /// `<name>: <value>`, e.g. Azure's `api-key`.
    pub fn header(name: HeaderName, value: &str) -> Result<Self, InvalidCredential> {
        let mut value = HeaderValue::from_str(value).map_err(|_| InvalidCredential(()))?;
        value.set_sensitive(true);
        Ok(Self { name, value })
    }

    /// The header name.
    pub fn name(&self) -> &HeaderName {
        &self.name
    }
}

impl fmt::Debug for Credential {
    // The value is a secret: show the header name only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("name", &self.name)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// A credential value that cannot be sent as a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidCredential(());

impl fmt::Display for InvalidCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("credential contains characters not allowed in an HTTP header")
    }
}

impl std::error::Error for InvalidCredential {}

/// No credential applies to a request that needs one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingCredential {
    scope: AuthScope,
}

impl MissingCredential {
    /// The scope the request asked for.
    pub fn scope(&self) -> AuthScope {
        self.scope
    }
}

impl fmt::Display for MissingCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.scope {
            AuthScope::Admin => f.write_str(
                "could not resolve authentication method: this endpoint needs an admin API key (admin_api_key or OPENAI_ADMIN_KEY)",
            ),
            _ => f.write_str(
                "could not resolve authentication method: expected either api_key or admin_api_key to be set",
            ),
        }
    }
}

impl std::error::Error for MissingCredential {}

/// A [`CredentialProvider`] failed (or gave a credential that cannot be
/// sent): the request was not sent, and is not retried. The provider's error
/// is the `source()`.
#[derive(Debug)]
pub struct ProviderFailed(BoxError);

impl ProviderFailed {
    /// A provider failure caused by `err`.
    pub fn new(err: impl Into<BoxError>) -> Self {
        Self(err.into())
    }

    /// The provider's error, owned.
    pub fn into_inner(self) -> BoxError {
        self.0
    }

    /// The provider's error.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Display for ProviderFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the credential provider failed: {}", self.0)
    }
}

impl std::error::Error for ProviderFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// The credentials of a client: a fixed API key and admin key, or a provider
/// asked before every attempt.
#[derive(Clone, Default)]
pub struct Credentials {
    api_key: Option<Source>,
    admin_api_key: Option<Source>,
}

#[derive(Clone)]
enum Source {
    Static(Credential),
    Provider(Arc<dyn CredentialProvider>),
}

impl Credentials {
    /// No credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the API key credential.
    pub fn api_key(mut self, credential: Credential) -> Self {
        self.api_key = Some(Source::Static(credential));
        self
    }

    /// Sets a provider asked for the API key credential before every attempt.
    pub fn api_key_provider(mut self, provider: impl CredentialProvider) -> Self {
        self.api_key = Some(Source::Provider(Arc::new(provider)));
        self
    }

    /// Sets the admin key credential.
    pub fn admin_api_key(mut self, credential: Credential) -> Self {
        self.admin_api_key = Some(Source::Static(credential));
        self
    }

    /// Whether any credential is set.
    pub fn is_empty(&self) -> bool {
        self.api_key.is_none() && self.admin_api_key.is_none()
    }

    fn select(&self, scope: AuthScope) -> Option<&Source> {
        match scope {
            AuthScope::Any => self.api_key.as_ref().or(self.admin_api_key.as_ref()),
            AuthScope::ApiKey => self.api_key.as_ref(),
            AuthScope::Admin => self.admin_api_key.as_ref(),
        }
    }
}

impl fmt::Debug for Credentials {
    // Never print a key: only whether each slot is set, and how.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn kind(s: &Option<Source>) -> &'static str {
            match s {
                None => "none",
                Some(Source::Static(_)) => "<redacted>",
                Some(Source::Provider(_)) => "<provider>",
            }
        }
        f.debug_struct("Credentials")
            .field("api_key", &kind(&self.api_key))
            .field("admin_api_key", &kind(&self.admin_api_key))
            .finish()
    }
}

/// Layer adding [`Auth`].
#[derive(Debug, Clone)]
pub struct AuthLayer {
    // Shared: the service is cloned for every call, and inline credentials
    // would make it, and every future holding a copy of it, larger.
    credentials: Arc<Credentials>,
}

impl AuthLayer {
    /// A layer applying `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials: Arc::new(credentials),
        }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Auth<S> {
        Auth {
            inner,
            credentials: self.credentials.clone(),
        }
    }
}

/// Adds the credential to each request; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Auth<S> {
    inner: S,
    credentials: Arc<Credentials>,
}

impl<S> Auth<S> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Consumes the layer, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Service<HttpRequest> for Auth<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError> + Clone,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = ResponseFuture<S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: HttpRequest) -> Self::Future {
        if req.headers().contains_key(AUTHORIZATION)
            || OmitHeaders::is_omitted(&req, &AUTHORIZATION)
        {
            return ResponseFuture::called(self.inner.call(req));
        }
        let scope = req
            .extensions()
            .get::<AuthScope>()
            .copied()
            .unwrap_or_default();
        match self.credentials.select(scope) {
            None => ResponseFuture::failed(Permanent::new(MissingCredential { scope }).into()),
            Some(Source::Static(c)) => {
                if may_add(&req, &c.name) {
                    req.headers_mut().insert(c.name.clone(), c.value.clone());
                }
                ResponseFuture::called(self.inner.call(req))
            }
            Some(Source::Provider(p)) => {
                // NOTE: the provider runs before this attempt; the ready inner
                // service is swapped out so the clone left behind can be made
                // ready later by the next caller.
                let clone = self.inner.clone();
                let inner = std::mem::replace(&mut self.inner, clone);
                ResponseFuture::resolving(p.credential(), req, inner)
            }
        }
    }
}

/// Response future of [`Auth`].
#[pin_project]
pub struct ResponseFuture<S: Service<HttpRequest>> {
    #[pin]
    state: State<S>,
}

#[pin_project(project = StateProj)]
enum State<S: Service<HttpRequest>> {
    // Boxed: only credential providers take this path, and inline it would
    // make every call's future larger by a request and a service.
    Resolving(Box<Resolving<S>>),
    Called(#[pin] S::Future),
    Failed(Option<BoxError>),
}

/// Whether the credential header `name` may go on `req`: not omitted, and
/// not set by the caller already (an `api-key` of the caller's wins, as an
/// `Authorization` does).
fn may_add(req: &HttpRequest, name: &HeaderName) -> bool {
    OmitHeaders::may_add(req, name) && !req.headers().contains_key(name)
}

struct Resolving<S> {
    credential: CredentialFuture,
    request: Option<HttpRequest>,
    inner: S,
}

impl<S: Service<HttpRequest>> ResponseFuture<S> {
    fn called(fut: S::Future) -> Self {
        Self {
            state: State::Called(fut),
        }
    }

    fn failed(err: BoxError) -> Self {
        Self {
            state: State::Failed(Some(err)),
        }
    }

    fn resolving(credential: CredentialFuture, request: HttpRequest, inner: S) -> Self {
        Self {
            state: State::Resolving(Box::new(Resolving {
                credential,
                request: Some(request),
                inner,
            })),
        }
    }
}

impl<S: Service<HttpRequest>> fmt::Debug for ResponseFuture<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("auth::ResponseFuture")
            .finish_non_exhaustive()
    }
}

impl<S> Future for ResponseFuture<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Output = Result<HttpResponse, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Called(fut) => return fut.poll(cx),
                StateProj::Failed(err) => {
                    return Poll::Ready(Err(err.take().expect("polled after completion")));
                }
                StateProj::Resolving(resolving) => {
                    let Resolving {
                        credential,
                        request,
                        inner,
                    } = &mut **resolving;
                    let credential = match ready!(credential.as_mut().poll(cx)) {
                        Ok(c) => c,
                        // reference/client.md 4.2: errors while preparing an
                        // attempt propagate unchanged and are not retried.
                        Err(e) => {
                            let err = Permanent::new(ProviderFailed(e));
                            return Poll::Ready(Err(err.into()));
                        }
                    };
                    ready!(inner.poll_ready(cx))?;
                    let mut req = request.take().expect("polled after completion");
                    if may_add(&req, &credential.name) {
                        req.headers_mut().insert(credential.name, credential.value);
                    }
                    let fut = inner.call(req);
                    this.state.set(State::Called(fut));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
