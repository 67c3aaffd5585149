//! The module-level client (Python's `openai.api_key = "..."` then
//! `openai.chat.completions.create(...)`, reference/client.md 13), meant
//! for scripts and notebooks-style programs.
//!
//! Libraries and services should build a [`Client`] and pass it around:
//! the settings here are process-wide, and any part of the program may
//! change them.
//!
//! ```no_run
//! use openai::types::chat::{ChatCompletionCreateParams, ChatMessage};
//!
//! # async fn run() -> Result<(), openai::Error> {
//! openai::global::set_api_key("sk-...");
//! openai::global::set_max_retries(5);
//! let completion = openai::global::client()
//!     .chat()
//!     .completions()
//!     .create(ChatCompletionCreateParams::new("gpt-4o-mini", [ChatMessage::user("Hi")]))
//!     .await?;
//! # let _ = completion;
//! # Ok(()) }
//! # let _ = run;
//! ```
//!
//! [`client`] builds the client on first use from the settings and,
//! for what is not set, the environment (as [`Client::from_env`]); a
//! setting changed later rebuilds it on the next use. A client that cannot
//! be built (no key, a bad base URL) is still returned: each of its calls
//! fails with the build's [`Error::Config`] message, as Python's module
//! client fails on its first request; [`try_client`] returns the error
//! itself.
//!
//! With the `azure` feature, the Azure settings of azure.md section 10 pick
//! an Azure client: [`set_api_type`], or `OPENAI_API_TYPE`, or else
//! detection (Azure settings or `AZURE_OPENAI_*` variables present and no
//! `OPENAI_API_KEY`; both is an error asking to choose).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use openai_core::error::ConfigError;
use openai_core::route::Route;
use openai_core::{Client, ClientBuilder, Error};
use openai_transport::{BoxError, HttpRequest, HttpResponse};

/// Where settings not given come from.
type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Which client the module builds (Python's `openai.api_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiType {
    /// The OpenAI API.
    OpenAi,
    /// Azure OpenAI (`azure` feature).
    Azure,
}

#[derive(Default)]
struct Settings {
    api_key: Option<String>,
    admin_api_key: Option<String>,
    organization: Option<String>,
    project: Option<String>,
    webhook_secret: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    default_headers: Vec<(String, String)>,
    default_query: Vec<(String, String)>,
    proxy: Option<String>,
    api_type: Option<ApiType>,
    api_version: Option<String>,
    azure_endpoint: Option<String>,
    azure_ad_token: Option<String>,
    #[cfg(feature = "azure")]
    azure_ad_token_provider: Option<Arc<dyn openai_azure::TokenProvider>>,
}

#[derive(Default)]
struct State {
    settings: Settings,
    env: Option<Lookup>,
    client: Option<Result<Client, ConfigError>>,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

/// Runs `f` on the state (created on first use), under the lock.
fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> R {
    let mut guard: MutexGuard<'_, Option<State>> =
        STATE.lock().unwrap_or_else(PoisonError::into_inner);
    f(guard.get_or_insert_with(State::default))
}

/// Changes a setting; the client is rebuilt on its next use.
fn update(f: impl FnOnce(&mut Settings)) {
    with_state(|state| {
        f(&mut state.settings);
        state.client = None;
    });
}

/// The client of the current settings, built now if needed (see the
/// [module docs](self)). Cheap: a handle to the shared client.
pub fn client() -> Client {
    match try_client() {
        Ok(client) => client,
        Err(Error::Config(e)) => failing_client(e.message()),
        Err(e) => failing_client(&e.to_string()),
    }
}

/// The client of the current settings, or why it cannot be built.
///
/// # Errors
///
/// [`Error::Config`]: no key, a bad base URL or header, contradicting Azure
/// settings.
pub fn try_client() -> Result<Client, Error> {
    with_state(|state| {
        if state.client.is_none() {
            state.client = Some(build(state));
        }
        match &state.client {
            Some(built) => built.clone().map_err(Error::Config),
            None => Err(Error::Config(ConfigError::with_message(
                "the module-level client was not built",
            ))),
        }
    })
}

/// Forgets every setting and the client (the environment is read again).
pub fn reset() {
    with_state(|state| *state = State::default());
}

/// Reads what is not set from `lookup` instead of the process environment
/// (tests, configuration files).
pub fn set_environment(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) {
    with_state(|state| {
        state.env = Some(Arc::new(lookup));
        state.client = None;
    });
}

/// The API key (`OPENAI_API_KEY`; with Azure, the `api-key`).
pub fn set_api_key(key: impl Into<String>) {
    let key = key.into();
    update(|s| s.api_key = Some(key));
}

/// The admin API key (`OPENAI_ADMIN_KEY`).
pub fn set_admin_api_key(key: impl Into<String>) {
    let key = key.into();
    update(|s| s.admin_api_key = Some(key));
}

/// The base URL (`OPENAI_BASE_URL`; with Azure, a gateway's URL).
pub fn set_base_url(url: impl Into<String>) {
    let url = url.into();
    update(|s| s.base_url = Some(url));
}

/// `OpenAI-Organization` (`OPENAI_ORG_ID`).
pub fn set_organization(organization: impl Into<String>) {
    let organization = organization.into();
    update(|s| s.organization = Some(organization));
}

/// `OpenAI-Project` (`OPENAI_PROJECT_ID`).
pub fn set_project(project: impl Into<String>) {
    let project = project.into();
    update(|s| s.project = Some(project));
}

/// The webhook secret (`OPENAI_WEBHOOK_SECRET`).
pub fn set_webhook_secret(secret: impl Into<String>) {
    let secret = secret.into();
    update(|s| s.webhook_secret = Some(secret));
}

/// The timeout of each attempt (default 600 s).
pub fn set_timeout(timeout: Duration) {
    update(|s| s.timeout = Some(timeout));
}

/// Retries after the first attempt (default 2).
pub fn set_max_retries(n: u32) {
    update(|s| s.max_retries = Some(n));
}

/// A header sent with every request (Python's `openai.default_headers`).
pub fn set_default_header(name: impl Into<String>, value: impl Into<String>) {
    let (name, value) = (name.into(), value.into());
    update(|s| {
        s.default_headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
        s.default_headers.push((name, value));
    });
}

/// A query parameter sent with every request (Python's
/// `openai.default_query`).
pub fn set_default_query(name: impl Into<String>, value: impl Into<String>) {
    let (name, value) = (name.into(), value.into());
    update(|s| {
        s.default_query.retain(|(k, _)| *k != name);
        s.default_query.push((name, value));
    });
}

/// A proxy for every request.
pub fn set_proxy(url: impl Into<String>) {
    let url = url.into();
    update(|s| s.proxy = Some(url));
}

/// Which client to build (`OPENAI_API_TYPE`: `openai` or `azure`).
pub fn set_api_type(api_type: ApiType) {
    update(|s| s.api_type = Some(api_type));
}

/// The Azure API version (`OPENAI_API_VERSION`).
pub fn set_api_version(version: impl Into<String>) {
    let version = version.into();
    update(|s| s.api_version = Some(version));
}

/// The Azure endpoint (`AZURE_OPENAI_ENDPOINT`).
pub fn set_azure_endpoint(endpoint: impl Into<String>) {
    let endpoint = endpoint.into();
    update(|s| s.azure_endpoint = Some(endpoint));
}

/// A static Entra ID token for Azure (the module does not read
/// `AZURE_OPENAI_AD_TOKEN` into this; the Azure client falls back to it).
pub fn set_azure_ad_token(token: impl Into<String>) {
    let token = token.into();
    update(|s| s.azure_ad_token = Some(token));
}

/// An Entra ID token provider for Azure, called before every attempt.
#[cfg(feature = "azure")]
#[cfg_attr(docsrs, doc(cfg(feature = "azure")))]
pub fn set_azure_ad_token_provider(provider: impl openai_azure::TokenProvider) {
    let provider: Arc<dyn openai_azure::TokenProvider> = Arc::new(provider);
    update(|s| s.azure_ad_token_provider = Some(provider));
}

/// The settings both client kinds take, applied to the builder `b` (the
/// OpenAI and the Azure builders have the same setters).
macro_rules! shared_settings {
    ($b:expr, $s:expr) => {{
        let (mut b, s) = ($b, $s);
        if let Some(org) = &s.organization {
            b = b.organization(org);
        }
        if let Some(project) = &s.project {
            b = b.project(project);
        }
        if let Some(secret) = &s.webhook_secret {
            b = b.webhook_secret(secret);
        }
        if let Some(timeout) = s.timeout {
            b = b.timeout(timeout);
        }
        if let Some(n) = s.max_retries {
            b = b.max_retries(n);
        }
        for (name, value) in &s.default_headers {
            b = b.default_header(name.as_str(), value.as_str());
        }
        for (name, value) in &s.default_query {
            b = b.default_query(name, value);
        }
        if let Some(proxy) = &s.proxy {
            b = b.proxy(proxy);
        }
        b
    }};
}

/// Builds the client of `state`.
fn build(state: &State) -> Result<Client, ConfigError> {
    let env: Lookup = state
        .env
        .clone()
        .unwrap_or_else(|| Arc::new(|name: &str| std::env::var(name).ok()));
    let s = &state.settings;
    match api_type(s, &*env)? {
        ApiType::Azure => build_azure(s, env),
        ApiType::OpenAi => build_openai(s, &*env),
    }
}

/// Python's type selection (client.md 13).
fn api_type(s: &Settings, env: &dyn Fn(&str) -> Option<String>) -> Result<ApiType, ConfigError> {
    if let Some(t) = s.api_type {
        return Ok(t);
    }
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    match env("OPENAI_API_TYPE").as_deref() {
        Some("azure") => return Ok(ApiType::Azure),
        Some("openai") => return Ok(ApiType::OpenAi),
        Some(other) if !other.is_empty() => {
            return Err(ConfigError::with_message(format!(
                "OPENAI_API_TYPE is {other:?}; expected `openai` or `azure`"
            )));
        }
        _ => {}
    }
    #[cfg(feature = "azure")]
    let token_provider = s.azure_ad_token_provider.is_some();
    #[cfg(not(feature = "azure"))]
    let token_provider = false;
    let azure = s.azure_endpoint.is_some()
        || s.azure_ad_token.is_some()
        || token_provider
        || set("AZURE_OPENAI_API_KEY")
        || set("AZURE_OPENAI_AD_TOKEN");
    match (azure, set("OPENAI_API_KEY")) {
        (true, true) => Err(ConfigError::with_message(
            "Ambiguous use of module client; please set `openai.api_type` or the `OPENAI_API_TYPE` environment variable to `openai` or `azure`",
        )),
        (true, false) => Ok(ApiType::Azure),
        (false, _) => Ok(ApiType::OpenAi),
    }
}

fn build_openai(s: &Settings, env: &dyn Fn(&str) -> Option<String>) -> Result<Client, ConfigError> {
    let mut b = ClientBuilder::from_env_with(env);
    if let Some(key) = &s.api_key {
        b = b.api_key(key);
    }
    if let Some(key) = &s.admin_api_key {
        b = b.admin_api_key(key);
    }
    if let Some(url) = &s.base_url {
        b = b.base_url(url);
    }
    b = shared_settings!(b, s);
    b.build().map_err(config)
}

#[cfg(feature = "azure")]
fn build_azure(s: &Settings, env: Lookup) -> Result<Client, ConfigError> {
    let lookup = Arc::clone(&env);
    let mut b = openai_azure::AzureClientBuilder::with_env(move |name| lookup(name));
    if let Some(key) = &s.api_key {
        b = b.api_key(key);
    }
    if let Some(token) = &s.azure_ad_token {
        b = b.azure_ad_token(token);
    }
    if let Some(provider) = &s.azure_ad_token_provider {
        b = b.azure_ad_token_provider(Arc::clone(provider));
    }
    if let Some(version) = &s.api_version {
        b = b.api_version(version);
    }
    if let Some(endpoint) = &s.azure_endpoint {
        b = b.azure_endpoint(endpoint);
    }
    if let Some(url) = &s.base_url {
        b = b.base_url(url);
    }
    b = shared_settings!(b, s);
    b.build()
        .map_err(|e| ConfigError::with_message(e.to_string()))
}

#[cfg(not(feature = "azure"))]
fn build_azure(_s: &Settings, _env: Lookup) -> Result<Client, ConfigError> {
    Err(ConfigError::with_message(
        "an Azure module client needs the `azure` feature of the `openai` crate",
    ))
}

fn config(e: Error) -> ConfigError {
    match e {
        Error::Config(e) => e,
        other => ConfigError::with_message(other.to_string()),
    }
}

/// A client whose every call fails with `message`, before sending.
fn failing_client(message: &str) -> Client {
    let message = format!("the module-level client cannot be built: {message}");
    ClientBuilder::new()
        .api_key("unused")
        .base_url("http://127.0.0.1:9/")
        .max_retries(0)
        .http_service(NoNetwork)
        .router(move |_: &openai_core::route::RouteRequest<'_>| Route::Reject(message.clone()))
        .build()
        .expect("a fixed key, URL and service always build")
}

/// The HTTP service of [`failing_client`]: its router refuses every
/// request before it gets here.
#[derive(Debug, Clone, Copy)]
struct NoNetwork;

impl tower::Service<HttpRequest> for NoNetwork {
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = std::future::Ready<Result<HttpResponse, BoxError>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), BoxError>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: HttpRequest) -> Self::Future {
        std::future::ready(Err("the module-level client sends nothing".into()))
    }
}
