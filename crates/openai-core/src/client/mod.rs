//! [`Client`]: the entry point to every resource.

mod builder;
mod options;
mod residency;

use std::fmt;
use std::sync::Arc;

use openai_transport::StackService;

use crate::route::Router;
use crate::url::BaseUrl;

pub use builder::{ClientBuilder, DEFAULT_CONNECT_TIMEOUT};
pub use options::HasOptions;
pub use options::RequestOptions;
pub(crate) use options::{TimeoutSetting, per_call_setters};
pub use residency::{DataResidency, InvalidDataResidency};

/// An OpenAI API client.
///
/// Cheap to clone (an `Arc`): clones share one connection pool, and the pool
/// closes when the last clone is dropped. `Send + Sync`; share it freely.
///
/// ```no_run
/// use openai_core::Client;
/// use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
///
/// # async fn run() -> Result<(), openai_core::Error> {
/// let client = Client::from_env()?;
/// let completion = client
///     .chat()
///     .completions()
///     .create(ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Say this is a test")]))
///     .await?;
/// println!("{:?}", completion.choices[0].message.content);
/// # Ok(()) }
/// # drop(run());
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    service: StackService,
    base_url: BaseUrl,
    defaults: RequestOptions,
    stack: StackDefaults,
    // webhooks: `ClientBuilder::webhook_secret` / `OPENAI_WEBHOOK_SECRET`.
    webhook_secret: Option<String>,
    router: Option<Arc<dyn Router>>,
    // `ClientBuilder::websocket_base_url`.
    websocket_base_url: Option<String>,
}

/// What the transport stack does for a request that does not say otherwise:
/// a call whose options agree needs no request extension for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StackDefaults {
    pub(crate) timeout: Option<std::time::Duration>,
    /// `None`: the attempt's timeout.
    pub(crate) idle_timeout: Option<TimeoutSetting>,
    pub(crate) max_retries: u32,
    /// `gen_ai.provider.name` of the client's spans.
    pub(crate) provider: &'static str,
}

impl Client {
    /// A builder, starting from the defaults; it reads no environment variables.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: `OPENAI_API_KEY`,
    /// `OPENAI_ADMIN_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID`,
    /// `OPENAI_PROJECT_ID`, `OPENAI_CUSTOM_HEADERS`, `OPENAI_WEBHOOK_SECRET`, and
    /// the proxy variables.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when no key is set or the base
    /// URL is invalid.
    pub fn from_env() -> Result<Self, crate::Error> {
        ClientBuilder::from_env().build()
    }

    pub(crate) fn from_parts(
        service: StackService,
        base_url: BaseUrl,
        defaults: RequestOptions,
        stack: StackDefaults,
        webhook_secret: Option<String>,
        router: Option<Arc<dyn Router>>,
        websocket_base_url: Option<String>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                service,
                base_url,
                defaults,
                stack,
                webhook_secret,
                router,
                websocket_base_url,
            }),
        }
    }

    /// A copy of this client with `options` layered over its defaults. Cheap:
    /// the copy shares the connection pool.
    pub fn with_options(&self, options: RequestOptions) -> Self {
        Self::from_parts(
            self.inner.service.clone(),
            self.inner.base_url.clone(),
            self.inner.defaults.merged(&options),
            self.inner.stack,
            self.inner.webhook_secret.clone(),
            self.inner.router.clone(),
            self.inner.websocket_base_url.clone(),
        )
    }

    /// The base URL, with a trailing `/`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    pub(crate) fn base(&self) -> &BaseUrl {
        &self.inner.base_url
    }

    /// The HTTP service every call goes through.
    pub fn service(&self) -> &StackService {
        &self.inner.service
    }

    pub(crate) fn router(&self) -> Option<&dyn Router> {
        self.inner.router.as_deref()
    }

    pub(crate) fn defaults(&self) -> &RequestOptions {
        &self.inner.defaults
    }

    pub(crate) fn stack_defaults(&self) -> StackDefaults {
        self.inner.stack
    }

    /// The base URL of WebSocket connections, when set apart from the HTTP one.
    #[cfg_attr(
        not(feature = "websocket"),
        allow(dead_code, reason = "only the websocket feature reads it")
    )]
    pub(crate) fn websocket_base(&self) -> Option<&str> {
        self.inner.websocket_base_url.as_deref()
    }

    /// The webhook secret `client.webhooks()` falls back to.
    #[cfg_attr(
        not(feature = "webhooks"),
        allow(dead_code, reason = "only the webhooks feature reads it")
    )]
    pub(crate) fn webhook_secret(&self) -> Option<&str> {
        self.inner.webhook_secret.as_deref()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("timeout", &self.inner.defaults.timeout)
            .field("max_retries", &self.inner.defaults.max_retries)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn client_is_send_sync_clone() {
        assert_send_sync::<Client>();
    }
}
