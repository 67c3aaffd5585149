//! [`AzureClient`] and [`AzureClientBuilder`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use openai_core::{Client, ClientBuilder};
use openai_transport::auth::Credential;
use openai_transport::headers::API_KEY;
use openai_transport::time::{SharedTimeSource, SystemClock, TimeSource};
use openai_transport::{BoxError, BoxHttpService, HttpRequest, HttpResponse};
use tower::{Layer, Service};

use crate::error::AzureError;
use crate::route::AzureRouter;
use crate::token;
use openai_core::auth::{TokenCredential, TokenProvider};

/// The `User-Agent` name of Azure clients (`AzureOpenAI/Rust <version>`).
const CLIENT_NAME: &str = "AzureOpenAI";

/// The environment the builder falls back to.
type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Azure OpenAI clients: [`AzureClient::builder`] and
/// [`AzureClient::from_env`] build an [`openai_core::Client`] that speaks
/// Azure (deployment URLs, `api-version`, `api-key` or Entra ID tokens);
/// every resource, stream, helper and pagination works on it unchanged.
#[derive(Debug, Clone, Copy)]
pub struct AzureClient;

impl AzureClient {
    /// A builder; settings not given fall back to the environment when
    /// built (`AZURE_OPENAI_API_KEY`, `AZURE_OPENAI_AD_TOKEN`,
    /// `AZURE_OPENAI_ENDPOINT`, `OPENAI_API_VERSION`, `OPENAI_ORG_ID`,
    /// `OPENAI_PROJECT_ID`, `OPENAI_CUSTOM_HEADERS`, `OPENAI_WEBHOOK_SECRET`;
    /// never `OPENAI_API_KEY` or `OPENAI_BASE_URL`).
    pub fn builder() -> AzureClientBuilder {
        AzureClientBuilder::new()
    }

    /// A client from the environment alone (see [`builder`](Self::builder)).
    ///
    /// # Errors
    ///
    /// As [`AzureClientBuilder::build`].
    pub fn from_env() -> Result<Client, AzureError> {
        AzureClientBuilder::new().build()
    }
}

/// A credential as given to the builder.
#[derive(Clone)]
enum Secret {
    ApiKey(String),
    ApiKeyProvider(Arc<dyn TokenProvider>),
    AdToken(String),
    AdTokenProvider(Arc<dyn TokenProvider>),
}

/// Builds an Azure [`Client`] (Python's `AzureOpenAI(...)`,
/// reference/azure.md).
///
/// Setters never fail; [`build`](Self::build) checks the settings in the
/// order of azure.md section 3. Secrets never show in `Debug`.
///
/// ```no_run
/// use openai_azure::AzureClient;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = AzureClient::builder()
///     .api_version("2024-10-21")
///     .azure_endpoint("https://example-resource.openai.azure.com")
///     .azure_ad_token_provider(|| async { Ok::<_, std::io::Error>(String::from("token")) })
///     .build()?;
/// let models = client.models().list().await?;
/// # let _ = models;
/// # Ok(()) }
/// ```
#[must_use]
pub struct AzureClientBuilder {
    inner: ClientBuilder,
    env: Lookup,
    secrets: Vec<Secret>,
    api_version: Option<String>,
    azure_endpoint: Option<String>,
    azure_deployment: Option<String>,
    base_url: Option<String>,
    organization: Option<String>,
    project: Option<String>,
    webhook_secret: Option<String>,
    deployments: BTreeMap<String, String>,
    token_cache: Option<Duration>,
    clock: SharedTimeSource,
    v1: bool,
}

impl AzureClientBuilder {
    /// A builder falling back to the process environment.
    pub fn new() -> Self {
        Self::with_env(|name| std::env::var(name).ok())
    }

    /// A builder falling back to `lookup` instead of the process
    /// environment (tests, configuration files).
    pub fn with_env(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        let env: Lookup = Arc::new(lookup);
        // The settings Azure shares with OpenAI's client come from the same
        // variables (never OPENAI_API_KEY, OPENAI_ADMIN_KEY or
        // OPENAI_BASE_URL).
        let shared = Arc::clone(&env);
        let inner = ClientBuilder::from_env_with(move |name| match name {
            "OPENAI_API_KEY" | "OPENAI_ADMIN_KEY" | "OPENAI_BASE_URL" => None,
            other => shared(other),
        });
        Self {
            inner,
            env,
            secrets: Vec::new(),
            api_version: None,
            azure_endpoint: None,
            azure_deployment: None,
            base_url: None,
            organization: None,
            project: None,
            webhook_secret: None,
            deployments: BTreeMap::new(),
            token_cache: None,
            clock: SharedTimeSource::new(SystemClock),
            v1: false,
        }
    }

    /// The API version, sent as `api-version` on every request
    /// (`OPENAI_API_VERSION`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// The resource's endpoint, `https://<resource>.openai.azure.com`
    /// (`AZURE_OPENAI_ENDPOINT`); the base URL is `<endpoint>/openai/`.
    pub fn azure_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.azure_endpoint = Some(endpoint.into());
        self
    }

    /// One deployment for every deployment-scoped call (the base URL is
    /// `<endpoint>/openai/deployments/<deployment>/`); the body's `model`
    /// then does not route. Ignored with [`base_url`](Self::base_url).
    pub fn azure_deployment(mut self, deployment: impl Into<String>) -> Self {
        self.azure_deployment = Some(deployment.into());
        self
    }

    /// The API key, sent as `api-key` (`AZURE_OPENAI_API_KEY`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.secrets.push(Secret::ApiKey(key.into()));
        self
    }

    /// An API key computed before every attempt (a rotating key), sent as
    /// `api-key`.
    pub fn api_key_provider(mut self, provider: impl TokenProvider) -> Self {
        self.secrets
            .push(Secret::ApiKeyProvider(Arc::new(provider)));
        self
    }

    /// A static Entra ID token, sent as `Authorization: Bearer`
    /// (`AZURE_OPENAI_AD_TOKEN`).
    pub fn azure_ad_token(mut self, token: impl Into<String>) -> Self {
        self.secrets.push(Secret::AdToken(token.into()));
        self
    }

    /// An Entra ID token provider, called before every attempt (a retry
    /// after a 401 gets a fresh token): an async closure or any
    /// [`TokenProvider`].
    pub fn azure_ad_token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.secrets
            .push(Secret::AdTokenProvider(Arc::new(provider)));
        self
    }

    /// Reuses a provided token or key that says when it expires
    /// ([`AzureToken::expiring`](crate::AzureToken::expiring)) until
    /// `margin` before then, instead of calling the provider on every
    /// attempt (Python always calls it).
    pub fn cache_tokens(mut self, margin: Duration) -> Self {
        self.token_cache = Some(margin);
        self
    }

    /// A base URL of your own (a gateway), used as given: no `/openai` is
    /// added and `azure_deployment` is ignored. Exclusive with
    /// [`azure_endpoint`](Self::azure_endpoint); `OPENAI_BASE_URL` is never
    /// read.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends deployment-scoped calls for `model` to the deployment
    /// `deployment` (beyond Python, whose deployments must be named like
    /// the models); JSON and multipart bodies alike. Not in
    /// [`v1_api`](Self::v1_api) mode, where the body's `model` names the
    /// deployment itself.
    pub fn deployment(mut self, model: impl Into<String>, deployment: impl Into<String>) -> Self {
        self.deployments.insert(model.into(), deployment.into());
        self
    }

    /// Azure's v1 API (`<endpoint>/openai/v1/`, reference/azure.md section
    /// 11) instead of the dated one: no deployment in the path (the model
    /// stays in the body) and no `api-version` unless one is given.
    pub fn v1_api(mut self) -> Self {
        self.v1 = true;
        self
    }

    /// `OpenAI-Organization` (`OPENAI_ORG_ID`).
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }

    /// `OpenAI-Project` (`OPENAI_PROJECT_ID`).
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project = Some(project.into());
        self
    }

    /// The secret webhooks are signed with (`OPENAI_WEBHOOK_SECRET`).
    pub fn webhook_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_secret = Some(secret.into());
        self
    }

    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.inner = self.inner.max_retries(n);
        self
    }

    /// The timeout of each attempt (default 600 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.inner = self.inner.timeout(timeout);
        self
    }

    /// No timeout per attempt.
    pub fn no_timeout(mut self) -> Self {
        self.inner = self.inner.no_timeout();
        self
    }

    /// How long a stream may go without an event.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.inner = self.inner.idle_timeout(idle);
        self
    }

    /// The largest response held in memory, in bytes: a JSON body or one
    /// event of a stream (default 256 MiB; see
    /// [`ClientBuilder::max_body_size`]).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.inner = self.inner.max_body_size(bytes);
        self
    }

    /// The connect timeout (default 5 s; `None` for none).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.inner = self.inner.connect_timeout(timeout);
        self
    }

    /// A header sent with every request; an `api-key` or `Authorization`
    /// given here replaces the SDK's credential header.
    pub fn default_header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        self.inner = self.inner.default_header(name, value);
        self
    }

    /// A query parameter sent with every request (an `api-version` here is
    /// replaced by [`api_version`](Self::api_version)).
    pub fn default_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.inner = self.inner.default_query(name, value);
        self
    }

    /// A proxy for every request.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.inner = self.inner.proxy(url);
        self
    }

    /// Where Realtime WebSocket connections go instead of the endpoint
    /// (`<url>/realtime`, with `api-version` and `deployment`; azure.md
    /// section 8). See
    /// [`ClientBuilder::websocket_base_url`](openai_core::ClientBuilder::websocket_base_url).
    pub fn websocket_base_url(mut self, url: impl Into<String>) -> Self {
        self.inner = self.inner.websocket_base_url(url);
        self
    }

    /// A `tower::Layer` over the HTTP service (see
    /// [`ClientBuilder::layer`]).
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<BoxHttpService> + Clone + Send + Sync + 'static,
        L::Service: Service<HttpRequest, Response = HttpResponse, Error = BoxError>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as Service<HttpRequest>>::Future: Send + 'static,
    {
        self.inner = self.inner.layer(layer);
        self
    }

    /// The wall clock, for `Retry-After` dates and token expiry (tests).
    pub fn time_source(mut self, source: impl TimeSource + Clone) -> Self {
        self.clock = SharedTimeSource::new(source.clone());
        self.inner = self.inner.time_source(source);
        self
    }

    /// Replaces the connection pool with any HTTP service.
    pub fn http_service<S>(mut self, service: S) -> Self
    where
        S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.inner = self.inner.http_service(service);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// In this order (reference/azure.md section 3):
    /// [`AzureError::MutuallyExclusiveAuth`],
    /// [`AzureError::MissingCredentials`], [`AzureError::MissingApiVersion`]
    /// (not in [`v1_api`](Self::v1_api) mode),
    /// [`AzureError::MissingEndpoint`], [`AzureError::BaseUrlAndEndpoint`];
    /// then [`AzureError::InvalidCredential`] and
    /// [`AzureError::Client`] for what the ordinary client refuses.
    pub fn build(self) -> Result<Client, AzureError> {
        let env = |name: &str| (self.env)(name).filter(|v| !v.is_empty());
        // 2, 3: one credential, given or from the environment (the token
        // first).
        if self.secrets.len() > 1 {
            return Err(AzureError::MutuallyExclusiveAuth);
        }
        let secret = match self.secrets.into_iter().next() {
            Some(secret) => secret,
            None => match (env("AZURE_OPENAI_AD_TOKEN"), env("AZURE_OPENAI_API_KEY")) {
                (Some(token), _) => Secret::AdToken(token),
                (None, Some(key)) => Secret::ApiKey(key),
                (None, None) => return Err(AzureError::MissingCredentials),
            },
        };
        // 4. The API version.
        let api_version = self.api_version.or_else(|| env("OPENAI_API_VERSION"));
        if api_version.is_none() && !self.v1 {
            return Err(AzureError::MissingApiVersion);
        }
        // 5, 6. Where to.
        let endpoint = match &self.base_url {
            Some(_) => self.azure_endpoint.clone(),
            None => self
                .azure_endpoint
                .clone()
                .or_else(|| env("AZURE_OPENAI_ENDPOINT")),
        };
        if self.base_url.is_none() && endpoint.is_none() {
            return Err(AzureError::MissingEndpoint);
        }
        if self.base_url.is_some() && endpoint.is_some() {
            return Err(AzureError::BaseUrlAndEndpoint);
        }
        let endpoint = endpoint.map(|e| e.trim_end_matches('/').to_owned());
        let (base_url, endpoint_base) = match (&self.base_url, &endpoint) {
            (Some(base), _) => (base.clone(), None),
            (None, Some(endpoint)) if self.v1 => (format!("{endpoint}/openai/v1"), None),
            (None, Some(endpoint)) => match &self.azure_deployment {
                Some(deployment) => (
                    format!("{endpoint}/openai/deployments/{deployment}"),
                    Some(format!("{endpoint}/openai/")),
                ),
                None => (format!("{endpoint}/openai"), None),
            },
            (None, None) => return Err(AzureError::MissingEndpoint),
        };

        let mut inner = self
            .inner
            .client_name(CLIENT_NAME)
            .provider_name("azure.ai.openai")
            .base_url(base_url.clone());
        if let Some(org) = self.organization {
            inner = inner.organization(org);
        }
        if let Some(project) = self.project {
            inner = inner.project(project);
        }
        if let Some(secret) = self.webhook_secret {
            inner = inner.webhook_secret(secret);
        }
        if let Some(version) = api_version {
            inner = inner.default_query("api-version", version);
        }
        inner = match secret {
            Secret::ApiKey(key) => inner.credential(
                Credential::header(API_KEY, &key).map_err(|_| AzureError::InvalidCredential)?,
            ),
            Secret::AdToken(token) => inner
                .credential(Credential::bearer(&token).map_err(|_| AzureError::InvalidCredential)?),
            Secret::ApiKeyProvider(p) => inner.credential_provider(cached(
                TokenCredential::new(p, token::api_key),
                self.token_cache,
                &self.clock,
            )),
            Secret::AdTokenProvider(p) => inner.credential_provider(cached(
                TokenCredential::new(p, token::bearer),
                self.token_cache,
                &self.clock,
            )),
        };
        if !self.v1 {
            let base_path = base_url
                .split_once("://")
                .map_or(base_url.as_str(), |(_, rest)| rest);
            let base_path = base_path.find('/').map_or("", |at| &base_path[at..]);
            inner = inner.router(AzureRouter {
                base_has_deployment: base_path.contains("/deployments"),
                endpoint_base,
                deployments: self.deployments,
                deployment: self.azure_deployment.filter(|_| self.base_url.is_none()),
            });
        }
        Ok(inner.build()?)
    }
}

impl Default for AzureClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for AzureClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: Vec<&str> = self
            .secrets
            .iter()
            .map(|s| match s {
                Secret::ApiKey(_) => "api_key",
                Secret::ApiKeyProvider(_) => "api_key_provider",
                Secret::AdToken(_) => "azure_ad_token",
                Secret::AdTokenProvider(_) => "azure_ad_token_provider",
            })
            .collect();
        f.debug_struct("AzureClientBuilder")
            .field("credentials", &kinds)
            .field("api_version", &self.api_version)
            .field("azure_endpoint", &self.azure_endpoint)
            .field("azure_deployment", &self.azure_deployment)
            .field("base_url", &self.base_url)
            .field("deployments", &self.deployments)
            .field("v1", &self.v1)
            .field("client", &self.inner)
            .finish_non_exhaustive()
    }
}

/// `credential` with the builder's token cache, if any.
fn cached(
    credential: TokenCredential,
    margin: Option<Duration>,
    clock: &SharedTimeSource,
) -> TokenCredential {
    match margin {
        Some(margin) => credential.cache(margin, clock.clone()),
        None => credential,
    }
}
