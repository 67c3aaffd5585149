//! Configuring the HTTP client (Python README: "Configuring the HTTP
//! client"): the base URL, a proxy, and your own `tower::Layer` over the
//! HTTP service (Python's custom httpx transport), set on the client
//! builder; `Client::with_options` for per-request customisation.
//!
//! ```text
//! cargo run --example http_client
//! ```
//!
//! The layer sits under the SDK's retry, auth and timeout layers and right
//! above the connection pool, so it sees every attempt with its final
//! headers:
//!
//! ```text
//! call ─▶ trace ─▶ retry ─▶ redirects ─▶ default headers ─▶ auth ─▶ timeout
//!      ─▶ .layer(A) ─▶ .layer(B) ─▶ connection pool (TLS, proxy)
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API through the layer
//! (`HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` from the environment are
//! honoured). Without it, it starts the bundled mock server in process and
//! uses it as the proxy too, for a base URL that does not resolve.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use openai::prelude::*;
use openai::transport::{BoxError, HttpRequest, HttpResponse};
use tower::{Layer, Service};

/// A layer that counts attempts and tags each with a header.
#[derive(Debug, Clone, Default)]
struct CountAttemptsLayer {
    seen: Arc<AtomicUsize>,
}

/// The service [`CountAttemptsLayer`] wraps around the HTTP service.
#[derive(Debug, Clone)]
struct CountAttempts<S> {
    inner: S,
    seen: Arc<AtomicUsize>,
}

impl<S> Layer<S> for CountAttemptsLayer {
    type Service = CountAttempts<S>;

    fn layer(&self, inner: S) -> CountAttempts<S> {
        CountAttempts {
            inner,
            seen: Arc::clone(&self.seen),
        }
    }
}

impl<S> Service<HttpRequest> for CountAttempts<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: HttpRequest) -> S::Future {
        let n = self.seen.fetch_add(1, Ordering::Relaxed) + 1;
        println!(
            "  layer: attempt {n}: {} {} (authorization set: {}, x-stainless-retry-count: {:?})",
            request.method(),
            request.uri(),
            request.headers().contains_key("authorization"),
            request.headers().get("x-stainless-retry-count"),
        );
        if let Ok(value) = n.to_string().parse() {
            request.headers_mut().insert("x-attempt", value);
        }
        self.inner.call(request)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (_default_client, mock) = openai_examples::client().await?;
    let layer = CountAttemptsLayer::default();

    let builder = match &mock {
        // A base URL that does not resolve, reached through the mock as an
        // HTTP proxy: the request line names the full URL and the proxy
        // (the mock) answers it.
        Some(server) => Client::builder()
            .api_key("mock-key")
            .base_url("http://my.test.server.example.com:8083/v1")
            .proxy(format!("http://{}", server.addr())),
        None => openai::ClientBuilder::from_env(),
    };
    let client = builder
        .default_header("x-foo", "true")
        .connect_timeout(Duration::from_secs(2))
        .layer(layer.clone())
        .build()?;
    println!("client: {client:?}");

    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user("Say this is a test")],
        ))
        .await?;
    println!(
        "reply: {}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );

    // Per-request customisation: a copy with other options (it shares the
    // connection pool and the layers).
    let tagged = client.with_options(
        RequestOptions::new()
            .header("x-request-source", "http_client example")
            .timeout(Duration::from_secs(30)),
    );
    tagged
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user("Say it again")],
        ))
        .await?;
    let attempts = layer.seen.load(Ordering::Relaxed);
    println!("the layer saw {attempts} attempt(s)");
    openai_examples::ensure(attempts >= 2, "the layer sees every call")?;

    if let Some(server) = &mock {
        for request in server.requests() {
            println!(
                "the mock (as proxy) received {} {} host={:?} x-attempt={:?} x-foo={:?} x-request-source={:?}",
                request.method(),
                request.path(),
                request.header("host"),
                request.header("x-attempt"),
                request.header("x-foo"),
                request.header("x-request-source"),
            );
        }
        let last = server.requests().last().cloned();
        openai_examples::ensure(
            last.is_some_and(|r| {
                r.header("host") == Some("my.test.server.example.com:8083")
                    && r.header("x-request-source").is_some()
            }),
            "the request went through the proxy with the per-client options",
        )?;
    }
    Ok(())
}
