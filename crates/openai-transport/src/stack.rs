//! Assembles the layers in their documented order.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderMap, HeaderValue};
use pin_project::pin_project;
use tower::util::{BoxCloneSyncServiceLayer, Either};
use tower::{Layer, Service, ServiceBuilder};

use crate::auth::{Auth, AuthLayer, Credentials};
use crate::connect::{HttpClient, HttpClientBuilder};
use crate::decompress::Decompress;
use crate::headers::{DefaultHeaders, DefaultHeadersLayer, X_STAINLESS_RETRY_COUNT};
use crate::redirect::{FollowRedirect, FollowRedirectLayer};
use crate::retry::{DEFAULT_MAX_RETRIES, Retry, RetryLayer, SharedClassifier};
use crate::time::SharedTimeSource;
use crate::timeout::{DEFAULT_MAX_BODY_SIZE, DEFAULT_TIMEOUT, IdleTimeout, Timeout, TimeoutLayer};
use crate::trace::{Trace, TraceLayer};
use crate::{BoxError, BoxHttpLayer, BoxHttpService, HttpRequest, HttpResponse};

/// Builds the SDK's HTTP service: the layers of the [crate docs](crate) over
/// a pooled [`HttpClient`], with the caller's layers in between.
///
/// ```text
/// Trace ─▶ Retry ─▶ FollowRedirect ─▶ DefaultHeaders ─▶ Auth
///       ─▶ Timeout ─▶ layer(A) ─▶ layer(B) ─▶ Decompress ─▶ HttpClient
/// ```
///
/// The retry and redirect layers keep copies of the request for the attempts
/// and hops to come; they sit above the layers that add headers, so those
/// copies are of the caller's few headers. The default headers include
/// `x-stainless-retry-count: 0`, which the retry layer replaces on retries.
/// The auth layer comes after the default headers: it adds the credential to
/// the map they start, and leaves alone a default header of the same name.
///
/// Layers given to [`Stack::layer`] sit under the timeout and above the
/// connection pool: they see every attempt, with its final headers (auth
/// included), and the first one added is the outermost. Under them,
/// [`Decompress`] adds `Accept-Encoding` and decodes compressed bodies, so
/// they see the decoded body (and no `Accept-Encoding` unless the caller set
/// one); a custom [`http_service`](Stack::http_service) is decoded too.
#[must_use]
pub struct Stack {
    http: HttpClientBuilder,
    http_service: Option<BoxHttpService>,
    layers: Vec<BoxHttpLayer>,
    timeout: Option<Duration>,
    idle_timeout: Option<IdleTimeout>,
    max_retries: u32,
    default_headers: HeaderMap,
    credentials: Credentials,
    classifier: Option<SharedClassifier>,
    time_source: SharedTimeSource,
    max_body_size: usize,
    provider: &'static str,
}

impl Stack {
    /// A stack with the defaults: 600 s per attempt, 2 retries, no credentials.
    pub fn new() -> Self {
        Self {
            http: HttpClient::builder(),
            http_service: None,
            layers: Vec::new(),
            timeout: Some(DEFAULT_TIMEOUT),
            idle_timeout: None,
            max_retries: DEFAULT_MAX_RETRIES,
            default_headers: HeaderMap::new(),
            credentials: Credentials::new(),
            classifier: None,
            time_source: SharedTimeSource::default(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            provider: crate::trace::DEFAULT_PROVIDER,
        }
    }

    /// The `gen_ai.provider.name` of the call spans (`openai` by default;
    /// `azure.ai.openai` for Azure OpenAI): see [`trace`](crate::trace).
    pub fn provider_name(mut self, name: &'static str) -> Self {
        self.provider = name;
        self
    }

    /// Configures the connection pool, TLS and proxies.
    pub fn http_client(mut self, f: impl FnOnce(HttpClientBuilder) -> HttpClientBuilder) -> Self {
        self.http = f(self.http);
        self
    }

    /// Replaces the pooled HTTP client with any service (a test double, another
    /// client). The SDK's layers still wrap it.
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

    /// Adds a layer between the timeout and the connection pool.
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

    /// Adds an already type-erased layer.
    pub fn boxed_layer(mut self, layer: BoxHttpLayer) -> Self {
        self.layers.push(layer);
        self
    }

    /// The default per-attempt timeout; `None` disables it. Default 600 s.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// The idle timeout of streamed bodies (SSE, downloads): how long they
    /// may go without progress; `None` disables it. Unless set, it is the
    /// per-attempt timeout.
    pub fn idle_timeout(mut self, idle: impl Into<Option<Duration>>) -> Self {
        self.idle_timeout = Some(IdleTimeout(idle.into()));
        self
    }

    /// The default number of retries. Default 2.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Headers added to every request that does not carry them.
    pub fn default_headers(mut self, headers: HeaderMap) -> Self {
        self.default_headers = headers;
        self
    }

    /// The credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// A body rule for the retry decision.
    pub fn retry_classifier(mut self, classifier: SharedClassifier) -> Self {
        self.classifier = Some(classifier);
        self
    }

    /// The wall clock for HTTP-date `Retry-After` values.
    pub fn time_source(mut self, clock: SharedTimeSource) -> Self {
        self.time_source = clock;
        self
    }

    /// Caps buffered response bodies. Default 256 MiB.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Builds the service.
    ///
    /// # Errors
    ///
    /// When the HTTP client cannot be built (a bad proxy URL, TLS setup).
    pub fn build(self) -> Result<StackService, BoxError> {
        // Without caller layers or a custom service, the layers above hold the
        // pooled client itself, not a boxed service: no allocation and no
        // dynamic call per request for it.
        let service = match (self.http_service, self.layers.is_empty()) {
            (None, true) => Either::Left(Decompress::new(self.http.build()?)),
            (custom, _) => {
                let mut service = match custom {
                    Some(s) => BoxHttpService::new(Decompress::new(s)),
                    None => BoxHttpService::new(Decompress::new(self.http.build()?)),
                };
                for layer in self.layers.iter().rev() {
                    service = layer.layer(service);
                }
                Either::Right(service)
            }
        };
        let mut default_headers = self.default_headers;
        default_headers
            .entry(X_STAINLESS_RETRY_COUNT)
            .or_insert(HeaderValue::from_static("0"));
        let mut retry = RetryLayer::new(self.max_retries).time_source(self.time_source);
        if let Some(c) = self.classifier {
            retry = retry.classifier(c);
        }
        let mut timeout = TimeoutLayer::new(self.timeout).max_body_size(self.max_body_size);
        if let Some(IdleTimeout(idle)) = self.idle_timeout {
            timeout = timeout.idle_timeout(idle);
        }
        let inner = ServiceBuilder::new()
            .layer(TraceLayer::new().provider(self.provider))
            .layer(retry)
            .layer(FollowRedirectLayer::new())
            .layer(DefaultHeadersLayer::new(default_headers))
            .layer(AuthLayer::new(self.credentials))
            .layer(timeout)
            .service(service);
        Ok(StackService { inner })
    }
}

/// The layers of the stack, outermost first, over the pooled client or, with
/// caller layers or a custom service, over a boxed service.
type Layers = Trace<
    Retry<
        FollowRedirect<
            DefaultHeaders<Auth<Timeout<Either<Decompress<HttpClient>, BoxHttpService>>>>,
        >,
    >,
>;

/// The service [`Stack::build`] assembles. Cloning it is cheap (a few
/// reference counts), and every clone shares the connection pool.
///
/// Its type is the same whatever the caller's layers (they sit at the bottom,
/// boxed), so a client holds it, and its [`StackFuture`], without boxing:
/// a call allocates neither a service nor a future for the stack.
/// [`BoxHttpService::new`] erases it when a boxed service is wanted.
#[derive(Clone)]
pub struct StackService {
    inner: Layers,
}

impl fmt::Debug for StackService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StackService").finish_non_exhaustive()
    }
}

impl Service<HttpRequest> for StackService {
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = StackFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: HttpRequest) -> StackFuture {
        StackFuture {
            inner: self.inner.call(req),
        }
    }
}

/// Response future of [`StackService`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct StackFuture {
    #[pin]
    inner: <Layers as Service<HttpRequest>>::Future,
}

impl fmt::Debug for StackFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StackFuture").finish_non_exhaustive()
    }
}

impl Future for StackFuture {
    type Output = Result<HttpResponse, BoxError>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx)
    }
}

impl Default for Stack {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Stack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stack")
            .field("http", &self.http)
            .field("custom_http_service", &self.http_service.is_some())
            .field("layers", &self.layers.len())
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_retries", &self.max_retries)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_is_shareable_and_its_future_can_be_spawned() {
        fn shareable<T: Clone + Send + Sync + 'static>() {}
        fn spawnable<T: Send + 'static>() {}
        shareable::<StackService>();
        spawnable::<StackFuture>();
    }
}
