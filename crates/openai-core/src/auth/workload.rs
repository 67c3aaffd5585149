//! Workload identity: see the `auth` module docs.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Method, StatusCode};
use http_body_util::BodyExt;
use openai_transport::auth::{Credential, ProviderFailed};
use openai_transport::body::copy_request;
use openai_transport::error::Permanent;
use openai_transport::{Body, BoxError, HttpRequest, HttpResponse};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

use super::TokenProvider;

/// The API key that stands for the workload's access token until
/// [`WorkloadAuthLayer`] puts the token in its place (Python's placeholder).
pub const WORKLOAD_IDENTITY_PLACEHOLDER: &str = "workload-identity-auth";

/// The default token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.openai.com/oauth/token";

/// How long a token exchange may take.
pub const TOKEN_EXCHANGE_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest a token is refreshed ahead of its expiry: 20 minutes (or half
/// its lifetime, when that is shorter).
pub const MAX_REFRESH_AHEAD: Duration = Duration::from_secs(1200);

/// The kind of subject token the identity provider issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SubjectTokenType {
    /// A JWT (`urn:ietf:params:oauth:token-type:jwt`). The default.
    #[default]
    Jwt,
    /// An OpenID Connect ID token (`urn:ietf:params:oauth:token-type:id_token`).
    IdToken,
}

impl SubjectTokenType {
    /// The token type's URN, as sent in `subject_token_type`.
    pub const fn urn(self) -> &'static str {
        match self {
            Self::Jwt => "urn:ietf:params:oauth:token-type:jwt",
            Self::IdToken => "urn:ietf:params:oauth:token-type:id_token",
        }
    }
}

/// A workload identity: who the workload is to OpenAI, and where its subject
/// token comes from. Give it to
/// [`ClientBuilder::workload_identity`](crate::ClientBuilder::workload_identity).
///
/// ```
/// use openai_core::auth::WorkloadIdentity;
///
/// let identity = WorkloadIdentity::new("provider_123", "service_account_123", || async {
///     std::fs::read_to_string("/var/run/secrets/tokens/openai")
/// });
/// let client = openai_core::Client::builder().workload_identity(identity).build()?;
/// # drop(client);
/// # Ok::<(), openai_core::Error>(())
/// ```
#[derive(Clone)]
pub struct WorkloadIdentity {
    identity_provider_id: String,
    service_account_id: String,
    subject_token: Arc<dyn TokenProvider>,
    subject_token_type: SubjectTokenType,
    token_url: String,
}

impl WorkloadIdentity {
    /// The identity `identity_provider_id` / `service_account_id` as
    /// registered with OpenAI, whose subject token `subject_token` returns
    /// (an async closure, called for each exchange).
    pub fn new(
        identity_provider_id: impl Into<String>,
        service_account_id: impl Into<String>,
        subject_token: impl TokenProvider,
    ) -> Self {
        Self {
            identity_provider_id: identity_provider_id.into(),
            service_account_id: service_account_id.into(),
            subject_token: Arc::new(subject_token),
            subject_token_type: SubjectTokenType::Jwt,
            token_url: DEFAULT_TOKEN_URL.to_owned(),
        }
    }

    /// The kind of subject token. Default [`SubjectTokenType::Jwt`].
    pub fn subject_token_type(mut self, kind: SubjectTokenType) -> Self {
        self.subject_token_type = kind;
        self
    }

    /// The token endpoint. Default [`DEFAULT_TOKEN_URL`].
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }
}

impl fmt::Debug for WorkloadIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkloadIdentity")
            .field("identity_provider_id", &self.identity_provider_id)
            .field("service_account_id", &self.service_account_id)
            .field("subject_token_type", &self.subject_token_type)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

/// Why a workload identity has no access token: the source of
/// [`Error::Credential`](crate::Error::Credential). No variant holds a token.
#[derive(Debug)]
#[non_exhaustive]
pub enum WorkloadIdentityError {
    /// The subject token provider failed or returned an empty token (Python's
    /// `SubjectTokenProviderError`).
    SubjectToken(BoxError),
    /// The token endpoint refused the exchange (Python's `OAuthError`).
    Exchange {
        /// The endpoint's status.
        status: StatusCode,
        /// Its OAuth `error` code (`invalid_grant`, ...), if it sent one.
        error: Option<String>,
        /// Its `error_description`, if it sent one.
        description: Option<String>,
    },
    /// The token endpoint could not be reached, or took longer than
    /// [`TOKEN_EXCHANGE_TIMEOUT`].
    Unreachable(BoxError),
    /// The endpoint answered 2xx without a usable `access_token`.
    InvalidResponse,
}

impl fmt::Display for WorkloadIdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SubjectToken(e) => write!(f, "the subject token provider failed: {e}"),
            Self::Exchange {
                status,
                description,
                ..
            } => write!(
                f,
                "the token exchange was refused ({}): {}",
                status.as_u16(),
                description
                    .as_deref()
                    .unwrap_or("OAuth authentication error.")
            ),
            Self::Unreachable(e) => write!(f, "the token endpoint could not be reached: {e}"),
            Self::InvalidResponse => {
                f.write_str("the token endpoint's answer holds no access token")
            }
        }
    }
}

impl std::error::Error for WorkloadIdentityError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::SubjectToken(e) | Self::Unreachable(e) => Some(&**e),
            Self::Exchange { .. } | Self::InvalidResponse => None,
        }
    }
}

/// The token cache and the identity, shared by every clone of the layer.
struct State {
    identity: WorkloadIdentity,
    /// The access token and when to refresh it. The async lock makes one
    /// exchange serve every request that waits for it.
    cached: Mutex<Option<(HeaderValue, Instant)>>,
}

/// Puts the workload's access token in place of the placeholder credential;
/// see the [`auth`](crate::auth) module docs.
#[derive(Clone)]
pub struct WorkloadAuthLayer {
    state: Arc<State>,
}

impl WorkloadAuthLayer {
    /// A layer for `identity`, with an empty token cache.
    pub fn new(identity: WorkloadIdentity) -> Self {
        Self {
            state: Arc::new(State {
                identity,
                cached: Mutex::new(None),
            }),
        }
    }

    /// The placeholder credential the client's auth layer adds.
    pub fn placeholder() -> Credential {
        Credential::bearer(WORKLOAD_IDENTITY_PLACEHOLDER).expect("a valid header value")
    }
}

impl fmt::Debug for WorkloadAuthLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkloadAuthLayer")
            .field("identity", &self.state.identity)
            .finish_non_exhaustive()
    }
}

impl<S> Layer<S> for WorkloadAuthLayer {
    type Service = WorkloadAuth<S>;

    fn layer(&self, inner: S) -> WorkloadAuth<S> {
        WorkloadAuth {
            inner,
            state: Arc::clone(&self.state),
        }
    }
}

/// The service of [`WorkloadAuthLayer`].
#[derive(Clone)]
pub struct WorkloadAuth<S> {
    inner: S,
    state: Arc<State>,
}

impl<S> fmt::Debug for WorkloadAuth<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkloadAuth").finish_non_exhaustive()
    }
}

impl<S> Service<HttpRequest> for WorkloadAuth<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: HttpRequest) -> Self::Future {
        let placeholder = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
            .is_some_and(|token| token == WORKLOAD_IDENTITY_PLACEHOLDER.as_bytes());
        // The ready service serves this request; a clone serves the rest.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        if !placeholder {
            return Box::pin(inner.call(req));
        }
        let state = Arc::clone(&self.state);
        Box::pin(async move {
            let token = state.token(inner.clone(), false).await?;
            let copy = req.body().try_clone().map(|body| copy_request(&req, body));
            req.headers_mut().insert(AUTHORIZATION, token);
            let response = inner.call(req).await?;
            let Some(mut copy) = copy.filter(|_| response.status() == StatusCode::UNAUTHORIZED)
            else {
                return Ok(response);
            };
            // tests-to-match 12.1: a 401 drops the token; one re-send with a new one.
            tracing::debug!("workload identity: 401, refreshing the access token once");
            drop(response);
            let token = state.token(inner.clone(), true).await?;
            copy.headers_mut().insert(AUTHORIZATION, token);
            inner.ready().await?.call(copy).await
        })
    }
}

/// Fails the call without a retry, as [`Error::Credential`](crate::Error::Credential).
fn fail(err: WorkloadIdentityError) -> BoxError {
    Permanent::new(ProviderFailed::new(err)).into()
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: Option<String>,
    error_description: Option<String>,
}

impl State {
    /// The access token as an `Authorization` value: the cached one unless
    /// it is due for refresh or `renew` says it was refused.
    async fn token<S>(&self, inner: S, renew: bool) -> Result<HeaderValue, BoxError>
    where
        S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
    {
        let mut cached = self.cached.lock().await;
        if renew {
            *cached = None;
        }
        if let Some((token, refresh_at)) = &*cached {
            if Instant::now() < *refresh_at {
                return Ok(token.clone());
            }
        }
        let (token, lifetime) = self.exchange(inner).await?;
        let ahead = MAX_REFRESH_AHEAD.min(lifetime / 2);
        *cached = Some((token.clone(), Instant::now() + lifetime - ahead));
        Ok(token)
    }

    /// One token exchange.
    async fn exchange<S>(&self, inner: S) -> Result<(HeaderValue, Duration), BoxError>
    where
        S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
    {
        let identity = &self.identity;
        let subject = identity
            .subject_token
            .token()
            .await
            .map_err(|e| fail(WorkloadIdentityError::SubjectToken(e)))?;
        if subject.secret().is_empty() {
            let err = "the subject token provider returned an empty token".into();
            return Err(fail(WorkloadIdentityError::SubjectToken(err)));
        }
        let body = serde_json::json!({
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": subject.secret(),
            "subject_token_type": identity.subject_token_type.urn(),
            "identity_provider_id": identity.identity_provider_id,
            "service_account_id": identity.service_account_id,
        });
        let request = http::Request::builder()
            .method(Method::POST)
            .uri(&identity.token_url)
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .body(Body::from(body.to_string()))
            .map_err(|e| fail(WorkloadIdentityError::Unreachable(e.into())))?;
        let unreachable = |e: BoxError| fail(WorkloadIdentityError::Unreachable(e));
        let answer = tokio::time::timeout(TOKEN_EXCHANGE_TIMEOUT, async {
            let response = inner.oneshot(request).await?;
            let status = response.status();
            let body = read_capped(response.into_body()).await?;
            Ok::<_, BoxError>((status, body))
        })
        .await
        .map_err(|_| unreachable("timed out".into()))?
        .map_err(unreachable)?;
        let (status, body) = answer;
        if !status.is_success() {
            let parsed: Option<OAuthError> = serde_json::from_slice(&body).ok();
            let (error, description) =
                parsed.map_or((None, None), |p| (p.error, p.error_description));
            return Err(fail(WorkloadIdentityError::Exchange {
                status,
                error,
                description,
            }));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body)
            .map_err(|_| fail(WorkloadIdentityError::InvalidResponse))?;
        let token = answer
            .access_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| fail(WorkloadIdentityError::InvalidResponse))?;
        let mut value = HeaderValue::try_from(format!("Bearer {token}"))
            .map_err(|_| fail(WorkloadIdentityError::InvalidResponse))?;
        value.set_sensitive(true);
        // Without `expires_in`, an hour, the usual lifetime.
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        Ok((value, lifetime))
    }
}

/// The token endpoint's answer, at most 1 MiB.
async fn read_capped(mut body: openai_transport::ResponseBody) -> Result<Bytes, BoxError> {
    const LIMIT: usize = 1 << 20;
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            if out.len() + data.len() > LIMIT {
                return Err("the token endpoint's answer is larger than 1 MiB".into());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(out))
}
