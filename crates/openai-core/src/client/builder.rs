//! [`ClientBuilder`].

use std::fmt;
use std::time::Duration;

use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use std::sync::Arc;

use openai_transport::auth::{Credential, CredentialProvider, Credentials};
use openai_transport::headers::{OPENAI_ORGANIZATION, OPENAI_PROJECT, PlatformInfo};
use openai_transport::retry::{DEFAULT_MAX_RETRIES, RetryAction, SharedClassifier};
use openai_transport::time::{SharedTimeSource, TimeSource};
use openai_transport::timeout::DEFAULT_TIMEOUT;
use openai_transport::{BoxError, BoxHttpLayer, BoxHttpService, HttpRequest, HttpResponse, Stack};
use tower::util::BoxCloneSyncServiceLayer;
use tower::{Layer, Service};

use super::options::TimeoutSetting;
use super::{Client, DataResidency, RequestOptions, StackDefaults};
use crate::auth::{TokenCredential, TokenProvider, WorkloadAuthLayer, WorkloadIdentity};
use crate::error::{ConfigError, Error};
use crate::route::Router;
use crate::url::{BaseUrl, DEFAULT_BASE_URL, normalize_base_url};

/// The default connect timeout (`reference/client.md` 3).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Builds a [`Client`].
///
/// Setters never panic: a bad value is recorded and [`build`](Self::build)
/// returns it. Secrets never show in `Debug`.
///
/// # Order of the HTTP stack
///
/// ```text
/// call ─▶ trace ─▶ retry ─▶ redirects ─▶ default headers ─▶ auth ─▶ timeout
///      ─▶ .layer(A) ─▶ .layer(B) ─▶ decompression ─▶ connection pool (TLS, proxy)
/// ```
///
/// Layers added with [`layer`](Self::layer) wrap the HTTP service: they see
/// every attempt with its final headers; the first added is the outermost.
#[must_use]
pub struct ClientBuilder {
    api_key: Option<String>,
    // Set by `api_key` (not by the environment): a conflict with a workload identity.
    api_key_explicit: bool,
    workload_identity: Option<WorkloadIdentity>,
    admin_api_key: Option<String>,
    base_url: Option<String>,
    // Set by `base_url` (not by the environment): a conflict with a region.
    base_url_explicit: bool,
    data_residency: Option<DataResidency>,
    organization: Option<String>,
    project: Option<String>,
    max_retries: u32,
    timeout: TimeoutSetting,
    idle_timeout: Option<TimeoutSetting>,
    connect_timeout: Option<Duration>,
    default_headers: HeaderMap,
    proxy: Option<String>,
    max_body_size: Option<usize>,
    websocket_base_url: Option<String>,
    pool_idle_timeout: Option<TimeoutSetting>,
    pool_max_idle_per_host: Option<usize>,
    layers: Vec<BoxHttpLayer>,
    http_service: Option<BoxHttpService>,
    time_source: Option<SharedTimeSource>,
    client_name: String,
    provider_name: &'static str,
    // webhooks: read by `client.webhooks()`; kept without the feature too.
    webhook_secret: Option<String>,
    credential: Option<CredentialSource>,
    default_query: Vec<(String, String)>,
    router: Option<Arc<dyn Router>>,
    #[cfg(feature = "native-tls")]
    native_tls: bool,
    error: Option<String>,
}

impl ClientBuilder {
    /// Defaults: no key, base URL `https://api.openai.com/v1`, 2 retries,
    /// 600 s per attempt, 5 s to connect.
    pub fn new() -> Self {
        Self {
            api_key: None,
            api_key_explicit: false,
            workload_identity: None,
            admin_api_key: None,
            base_url: None,
            base_url_explicit: false,
            data_residency: None,
            organization: None,
            project: None,
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: TimeoutSetting::Limit(DEFAULT_TIMEOUT),
            idle_timeout: None,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            default_headers: HeaderMap::new(),
            proxy: None,
            max_body_size: None,
            websocket_base_url: None,
            pool_idle_timeout: None,
            pool_max_idle_per_host: None,
            layers: Vec::new(),
            http_service: None,
            time_source: None,
            client_name: "OpenAI".to_owned(),
            provider_name: openai_transport::trace::DEFAULT_PROVIDER,
            webhook_secret: None,
            credential: None,
            default_query: Vec::new(),
            router: None,
            #[cfg(feature = "native-tls")]
            native_tls: false,
            error: None,
        }
    }

    /// A builder filled from the process environment (see [`Client::from_env`]).
    pub fn from_env() -> Self {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// A builder filled from `lookup` instead of the process environment.
    /// A variable set to the empty string counts as set.
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut b = Self::new();
        b.api_key = lookup("OPENAI_API_KEY");
        b.admin_api_key = lookup("OPENAI_ADMIN_KEY");
        b.base_url = lookup("OPENAI_BASE_URL");
        b.organization = lookup("OPENAI_ORG_ID");
        b.project = lookup("OPENAI_PROJECT_ID");
        b.webhook_secret = lookup("OPENAI_WEBHOOK_SECRET");
        if let Some(raw) = lookup("OPENAI_CUSTOM_HEADERS") {
            b = b.custom_headers_from_env(&raw);
        }
        b
    }

    /// `OPENAI_CUSTOM_HEADERS` (`reference/client.md` 1.2): one `name: value`
    /// per line, split at the first colon and trimmed; lines without a colon
    /// are skipped. Headers given later with [`default_header`](Self::default_header)
    /// replace these.
    fn custom_headers_from_env(mut self, raw: &str) -> Self {
        for (n, line) in raw.split('\n').enumerate() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim());
            match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                (Ok(k), Ok(mut v)) => {
                    if super::options::is_credential(&k) {
                        v.set_sensitive(true);
                    }
                    self.default_headers.insert(k, v);
                }
                // Neither name nor value: a line may hold a secret.
                _ => self.record(&format!(
                    "OPENAI_CUSTOM_HEADERS line {} holds a header that cannot be sent",
                    n + 1
                )),
            }
        }
        self
    }

    /// The API key, sent as `Authorization: Bearer <key>`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self.api_key_explicit = true;
        self
    }

    /// Authenticates as a workload (`reference/client.md` 17): a subject
    /// token from the workload's identity provider is exchanged for an
    /// OpenAI access token, cached and refreshed ahead of expiry, and a
    /// `401` gets one re-send with a fresh token. See
    /// [`WorkloadIdentity`](crate::auth::WorkloadIdentity). `OPENAI_API_KEY`
    /// is then ignored; [`build`](Self::build) fails if
    /// [`api_key`](Self::api_key) or [`api_key_provider`](Self::api_key_provider)
    /// is also called. The admin key still serves admin endpoints.
    pub fn workload_identity(mut self, identity: WorkloadIdentity) -> Self {
        self.workload_identity = Some(identity);
        self
    }

    /// The admin API key, used by the admin endpoints only.
    pub fn admin_api_key(mut self, key: impl Into<String>) -> Self {
        self.admin_api_key = Some(key.into());
        self
    }

    /// The secret `client.webhooks()` verifies signatures with when a call
    /// passes none (`whsec_...`; feature `webhooks`). An empty secret is
    /// used as is. Default: none (`OPENAI_WEBHOOK_SECRET` with
    /// [`from_env`](Self::from_env)).
    pub fn webhook_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_secret = Some(secret.into());
        self
    }

    /// The base URL. Default `https://api.openai.com/v1`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self.base_url_explicit = true;
        self
    }

    /// Sends every request to `region`'s API host (`reference/client.md`
    /// 1.1): `https://eu.api.openai.com/v1` for [`DataResidency::Eu`], and so
    /// on; nothing else about a request changes. It replaces
    /// `OPENAI_BASE_URL`, and [`build`](Self::build) fails if
    /// [`base_url`](Self::base_url) is also called, as Python refuses both.
    pub fn data_residency(mut self, region: DataResidency) -> Self {
        self.data_residency = Some(region);
        self
    }

    /// The organization, sent as `OpenAI-Organization`.
    pub fn organization(mut self, org: impl Into<String>) -> Self {
        self.organization = Some(org.into());
        self
    }

    /// The project, sent as `OpenAI-Project`.
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project = Some(project.into());
        self
    }

    /// Retries per call. Default 2.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The per-attempt timeout. Default 600 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = TimeoutSetting::Limit(timeout);
        self
    }

    /// No per-attempt timeout.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = TimeoutSetting::Unlimited;
        self
    }

    /// How long a streamed answer (an event stream, a download, a streamed
    /// response) may go without progress: for event streams, without an
    /// event (keep-alive comments do not count). Unless set, it is the
    /// per-attempt [`timeout`](Self::timeout), as Python's read timeout is.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = Some(TimeoutSetting::Limit(idle));
        self
    }

    /// The largest response the client holds in memory, in bytes (default
    /// 256 MiB): a JSON or error body, or one event of an event stream. A
    /// larger one fails the call with [`Error::Decode`] as soon as it passes
    /// the limit, without being read further, and is not retried; a larger
    /// error body is cut at the limit instead, and the call fails with the
    /// [`Error::Api`] of its status (retried as that status says). Downloads
    /// and [`with_streaming_response`](crate::Request::with_streaming_response)
    /// bodies, which the caller reads piece by piece, are not limited.
    /// Sizes are decoded bytes: a compressed body counts at its decoded size,
    /// so a gzip bomb stops at the limit.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// No idle timeout for streamed answers, whatever the per-attempt timeout.
    pub fn no_idle_timeout(mut self) -> Self {
        self.idle_timeout = Some(TimeoutSetting::Unlimited);
        self
    }

    /// The connect timeout; `None` waits as long as the OS does. Default 5 s.
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// A header sent with every request, over the SDK's defaults.
    pub fn default_header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(k), Ok(mut v)) => {
                if super::options::is_credential(&k) {
                    v.set_sensitive(true);
                }
                self.default_headers.insert(k, v);
            }
            _ => self.record("a default header name or value cannot be sent"),
        }
        self
    }

    /// A proxy for every request: `http://`, `https://` (TLS to the proxy),
    /// `socks5://` or `socks5h://` (the proxy resolves names), with
    /// credentials allowed in the URL (`http://user:password@host:port`).
    /// `NO_PROXY` from the environment still applies. Without it,
    /// `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` are honoured, with the same
    /// schemes.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// The base URL of WebSocket connections (`realtime().connect()`,
    /// `responses().connect()`): `wss://...` or `ws://...`. Default: the base
    /// URL with `https` as `wss` and `http` as `ws`. Exclusive with
    /// [`data_residency`](Self::data_residency) (a region's WebSockets follow
    /// its base URL).
    pub fn websocket_base_url(mut self, url: impl Into<String>) -> Self {
        self.websocket_base_url = Some(url.into());
        self
    }

    /// How long an unused connection stays in the pool; `None` keeps it until
    /// the server closes it. Default 90 s (Python's HTTP library: 5 s; see
    /// `docs/http-client.md` for why).
    pub fn pool_idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.pool_idle_timeout = Some(match timeout.into() {
            Some(t) => TimeoutSetting::Limit(t),
            None => TimeoutSetting::Unlimited,
        });
        self
    }

    /// How many unused connections the pool keeps per host. Default 100.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = Some(max);
        self
    }

    /// Uses the platform's TLS library (OpenSSL, Secure Transport, SChannel)
    /// instead of rustls. Only needed when both the `rustls` and the
    /// `native-tls` features are on; with `native-tls` alone it is the default.
    #[cfg(feature = "native-tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "native-tls")))]
    pub fn use_native_tls(mut self) -> Self {
        self.native_tls = true;
        self
    }

    /// Adds a `tower::Layer` over the HTTP service; see the type docs for
    /// where it sits.
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
        self.layers.push(BoxCloneSyncServiceLayer::new(layer));
        self
    }

    /// Replaces the connection pool with any HTTP service; the SDK's layers
    /// still wrap it.
    pub fn http_service<S>(mut self, service: S) -> Self
    where
        S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.http_service = Some(BoxHttpService::new(service));
        self
    }

    /// The wall clock used for HTTP-date `Retry-After` values (tests).
    pub fn time_source(mut self, source: impl TimeSource) -> Self {
        self.time_source = Some(SharedTimeSource::new(source));
        self
    }

    /// The API key, computed before every attempt of every call that uses
    /// it (a key from a vault that rotates), in place of
    /// [`api_key`](Self::api_key), which it overrides (`OPENAI_API_KEY`
    /// included). Python's callable `api_key`.
    ///
    /// `provider` is an async closure, `|| async { fetch_key().await }`,
    /// returning a `String`, a [`Token`](crate::auth::Token) or a `Result`
    /// of either ([`TokenProvider`](crate::auth::TokenProvider)). Admin
    /// endpoints never call it. An error, or an empty key, fails the call at
    /// once, without a retry; no message holds the key.
    ///
    /// ```
    /// # fn vault() -> String { "sk-from-vault".into() }
    /// let client = openai_core::Client::builder()
    ///     .api_key_provider(|| async { vault() })
    ///     .build()?;
    /// # drop(client);
    /// # Ok::<(), openai_core::Error>(())
    /// ```
    pub fn api_key_provider(mut self, provider: impl TokenProvider) -> Self {
        let credential = TokenCredential::new(Arc::new(provider), provided_api_key);
        self.credential = Some(CredentialSource::Provider(Arc::new(credential)));
        self
    }

    /// The credential of ordinary endpoints, in place of the API key's
    /// `Authorization: Bearer <key>`: any header (Azure's `api-key`, say).
    /// It counts as the client's credential; the API key, if also set, is
    /// not sent.
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credential = Some(CredentialSource::Static(credential));
        self
    }

    /// A credential computed before every attempt (a token that expires, a
    /// rotating key), in place of the API key: see
    /// [`CredentialProvider`]. A provider's error fails the call at once,
    /// without a retry.
    pub fn credential_provider(mut self, provider: impl CredentialProvider) -> Self {
        self.credential = Some(CredentialSource::Provider(Arc::new(provider)));
        self
    }

    /// A query parameter sent with every request (Azure's `api-version`),
    /// before the endpoint's own; a per-call [`query`](crate::Request::query)
    /// of the same name replaces it.
    pub fn default_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.default_query.retain(|(k, _)| *k != name);
        self.default_query.push((name, value.into()));
        self
    }

    /// Decides where each request goes: see [`route`](crate::route).
    pub fn router(mut self, router: impl Router) -> Self {
        self.router = Some(Arc::new(router));
        self
    }

    /// The `gen_ai.provider.name` of the call spans (OpenTelemetry GenAI
    /// conventions): `openai` by default; the Azure client sets
    /// `azure.ai.openai`, and a gateway to another provider its own name.
    pub fn provider_name(mut self, name: &'static str) -> Self {
        self.provider_name = name;
        self
    }

    /// The client name of the `User-Agent` (`OpenAI/Rust <version>`), for
    /// wrappers such as the Azure client.
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.client_name = name.into();
        self
    }

    fn record(&mut self, message: &str) {
        if self.error.is_none() {
            self.error = Some(message.to_owned());
        }
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when no credential is set (an empty key counts as
    /// none), a value cannot be sent as a header, the base URL is invalid, or
    /// the proxy URL is invalid.
    pub fn build(self) -> Result<Client, Error> {
        let config = |m: String| Error::Config(ConfigError::new(m));
        if let Some(e) = self.error {
            return Err(config(e));
        }
        let workload = self.workload_identity;
        if workload.is_some() && (self.api_key_explicit || self.credential.is_some()) {
            return Err(config(
                "The `api_key` and `workload_identity` arguments are mutually exclusive".to_owned(),
            ));
        }
        // With a workload identity, OPENAI_API_KEY is not read.
        let api_key = self.api_key.filter(|k| !k.is_empty() && workload.is_none());
        let admin_api_key = self.admin_api_key.filter(|k| !k.is_empty());
        if api_key.is_none()
            && admin_api_key.is_none()
            && self.credential.is_none()
            && workload.is_none()
        {
            return Err(config(
                "missing credentials: set an api_key, workload_identity or admin_api_key, or the OPENAI_API_KEY or OPENAI_ADMIN_KEY environment variable".to_owned(),
            ));
        }
        let mut credentials = Credentials::new();
        if workload.is_some() {
            credentials = credentials.api_key(WorkloadAuthLayer::placeholder());
        } else if let Some(source) = self.credential {
            credentials = match source {
                CredentialSource::Static(c) => credentials.api_key(c),
                CredentialSource::Provider(p) => credentials.api_key_provider(SharedProvider(p)),
            };
        } else if let Some(k) = &api_key {
            let c = Credential::bearer(k).map_err(|_| {
                config("the API key contains characters a header cannot carry".to_owned())
            })?;
            credentials = credentials.api_key(c);
        }
        if let Some(k) = &admin_api_key {
            let c = Credential::bearer(k).map_err(|_| {
                config("the admin API key contains characters a header cannot carry".to_owned())
            })?;
            credentials = credentials.admin_api_key(c);
        }
        let base_url = match self.data_residency {
            Some(_) if self.base_url_explicit => {
                return Err(config(
                    "The `data_residency` and `base_url` arguments are mutually exclusive"
                        .to_owned(),
                ));
            }
            Some(_) if self.websocket_base_url.is_some() => {
                return Err(config(
                    "The `data_residency` and `websocket_base_url` arguments are mutually exclusive"
                        .to_owned(),
                ));
            }
            Some(region) => region.base_url(),
            None => self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
        };
        let base_url = BaseUrl::new(normalize_base_url(base_url)?)?;

        let mut headers =
            PlatformInfo::current(&self.client_name, env!("CARGO_PKG_VERSION")).to_headers();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in [
            (OPENAI_ORGANIZATION, &self.organization),
            (OPENAI_PROJECT, &self.project),
        ] {
            if let Some(v) = value {
                let v = HeaderValue::from_str(v)
                    .map_err(|_| config(format!("{name} cannot be sent as a header")))?;
                headers.insert(name, v);
            }
        }

        let connect_timeout = self.connect_timeout;
        let proxy = self.proxy;
        let (pool_idle, pool_max_idle) = (self.pool_idle_timeout, self.pool_max_idle_per_host);
        #[cfg(feature = "native-tls")]
        let native_tls = self.native_tls;
        let mut stack = Stack::new()
            .http_client(move |b| {
                let mut b = b.connect_timeout(connect_timeout);
                if let Some(idle) = pool_idle {
                    b = b.pool_idle_timeout(idle.get());
                }
                if let Some(max) = pool_max_idle {
                    b = b.pool_max_idle_per_host(max);
                }
                #[cfg(feature = "native-tls")]
                let b = if native_tls { b.use_native_tls() } else { b };
                match proxy {
                    Some(p) => b.proxy(p),
                    None => b,
                }
            })
            .timeout(self.timeout.get())
            .max_retries(self.max_retries)
            .default_headers(headers)
            .credentials(credentials)
            .retry_classifier(SharedClassifier::new(insufficient_quota))
            .provider_name(self.provider_name);
        if let Some(idle) = self.idle_timeout {
            stack = stack.idle_timeout(idle.get());
        }
        if let Some(bytes) = self.max_body_size {
            stack = stack.max_body_size(bytes);
        }
        if let Some(t) = self.time_source {
            stack = stack.time_source(t);
        }
        if let Some(s) = self.http_service {
            stack = stack.http_service(s);
        }
        for layer in self.layers {
            stack = stack.boxed_layer(layer);
        }
        // Innermost, under the caller's layers: they never see the token
        // exchange (its body holds the subject token).
        if let Some(identity) = workload {
            stack = stack.layer(WorkloadAuthLayer::new(identity));
        }
        let service = stack
            .build()
            .map_err(|e| config(format!("cannot build the HTTP client: {e}")))?;

        let mut defaults = RequestOptions::new().max_retries(self.max_retries);
        defaults.query = self.default_query;
        defaults.timeout = Some(self.timeout);
        defaults.idle_timeout = self.idle_timeout;
        defaults.headers = self.default_headers;
        let stack = StackDefaults {
            timeout: self.timeout.get(),
            idle_timeout: self.idle_timeout,
            max_retries: self.max_retries,
            provider: self.provider_name,
        };
        Ok(Client::from_parts(
            service,
            base_url,
            defaults,
            stack,
            self.webhook_secret,
            self.router,
            self.websocket_base_url,
        ))
    }
}

/// The credential set with [`ClientBuilder::credential`] or
/// [`ClientBuilder::credential_provider`].
#[derive(Clone)]
enum CredentialSource {
    Static(Credential),
    Provider(Arc<dyn CredentialProvider>),
}

/// A shared provider, handed to the transport.
struct SharedProvider(Arc<dyn CredentialProvider>);

impl CredentialProvider for SharedProvider {
    fn credential(&self) -> openai_transport::auth::CredentialFuture {
        self.0.credential()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ClientBuilder {
    // Keys are never printed, only whether they are set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field(
                "admin_api_key",
                &self.admin_api_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("workload_identity", &self.workload_identity)
            .field("base_url", &self.base_url)
            .field("data_residency", &self.data_residency)
            .field("organization", &self.organization)
            .field("project", &self.project)
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy.as_ref().map(|_| "<set>"))
            .field("max_body_size", &self.max_body_size)
            .field("websocket_base_url", &self.websocket_base_url)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("layers", &self.layers.len())
            .field(
                "credential",
                &self.credential.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "default_query",
                &self
                    .default_query
                    .iter()
                    .map(|(k, _)| k)
                    .collect::<Vec<_>>(),
            )
            .field("router", &self.router.as_ref().map(|_| "<set>"))
            .finish_non_exhaustive()
    }
}

/// The one retry rule that reads the body (API.md, Errors): a 429 whose error
/// code is `insufficient_quota` is not retried, since waiting cannot fix it.
fn insufficient_quota(status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> RetryAction {
    if status != StatusCode::TOO_MANY_REQUESTS
        || memchr::memmem::find(body, b"insufficient_quota").is_none()
    {
        return RetryAction::NoOpinion;
    }
    let code = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error")?.get("code")?.as_str().map(str::to_owned));
    if code.as_deref() == Some("insufficient_quota") {
        RetryAction::Forbid
    } else {
        RetryAction::NoOpinion
    }
}

/// The header of a key from [`ClientBuilder::api_key_provider`].
fn provided_api_key(key: &str) -> Result<Credential, BoxError> {
    if key.is_empty() {
        return Err("Expected the `api_key` provider to return a non-empty string.".into());
    }
    Credential::bearer(key).map_err(|_| {
        "the key of the `api_key` provider holds characters a header cannot carry".into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn case_5_3_missing_key_is_a_config_error() {
        let err = ClientBuilder::from_env_with(env(&[])).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        let err = ClientBuilder::from_env_with(env(&[("OPENAI_API_KEY", "")]))
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        assert!(
            ClientBuilder::from_env_with(env(&[("OPENAI_ADMIN_KEY", "a")]))
                .build()
                .is_ok()
        );
    }

    #[test]
    fn env_base_url_is_normalized_and_an_empty_one_is_invalid() {
        let c = ClientBuilder::from_env_with(env(&[
            ("OPENAI_API_KEY", "k"),
            ("OPENAI_BASE_URL", "http://localhost:5000/from/env"),
        ]))
        .build()
        .unwrap();
        assert_eq!(c.base_url(), "http://localhost:5000/from/env/");
        let err =
            ClientBuilder::from_env_with(env(&[("OPENAI_API_KEY", "k"), ("OPENAI_BASE_URL", "")]))
                .build()
                .unwrap_err();
        assert!(matches!(err, Error::Config(_)));
    }

    #[test]
    fn explicit_values_win_over_env() {
        let c = ClientBuilder::from_env_with(env(&[
            ("OPENAI_API_KEY", "k"),
            ("OPENAI_BASE_URL", "http://a/"),
        ]))
        .base_url("http://b/v1")
        .build()
        .unwrap();
        assert_eq!(c.base_url(), "http://b/v1/");
    }

    #[test]
    fn bad_values_are_errors_not_panics() {
        assert!(
            Client::builder()
                .api_key("k")
                .default_header("bad name", "v")
                .build()
                .is_err()
        );
        assert!(Client::builder().api_key("k\n").build().is_err());
        assert!(
            Client::builder()
                .api_key("k")
                .organization("o\r\n")
                .build()
                .is_err()
        );
        assert!(
            Client::builder()
                .api_key("k")
                .base_url("nope")
                .build()
                .is_err()
        );
        assert!(
            Client::builder()
                .api_key("k")
                .proxy("::bad::")
                .build()
                .is_err()
        );
    }

    #[cfg(feature = "native-tls")]
    #[test]
    fn native_tls_client_builds() {
        let c = Client::builder()
            .api_key("k")
            .use_native_tls()
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "https://api.openai.com/v1/");
    }

    #[test]
    fn debug_hides_keys() {
        let b = Client::builder()
            .api_key("sk-very-secret")
            .admin_api_key("sk-admin-secret")
            .webhook_secret("whsec_c2VjcmV0");
        let text = format!("{b:?}");
        // webhooks: the field is named `webhook_secret`; look for values.
        for value in ["very-secret", "admin-secret", "c2VjcmV0"] {
            assert!(!text.contains(value), "{text}");
        }
        let c = b.build().unwrap();
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn insufficient_quota_is_forbidden() {
        let body = br#"{"error": {"code": "insufficient_quota", "message": "x"}}"#;
        assert_eq!(
            insufficient_quota(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), body),
            RetryAction::Forbid
        );
        let other = br#"{"error": {"code": "rate_limit_exceeded"}}"#;
        assert_eq!(
            insufficient_quota(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), other),
            RetryAction::NoOpinion
        );
        assert_eq!(
            insufficient_quota(StatusCode::INTERNAL_SERVER_ERROR, &HeaderMap::new(), body),
            RetryAction::NoOpinion
        );
    }
}
