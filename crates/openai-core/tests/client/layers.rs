//! User layers (`ClientBuilder::layer`) see every attempt with its final
//! headers; they also time the backoff between attempts on the paused clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use openai_core::Client;
use openai_mock::{Mock, MockServer};
use openai_transport::{BoxError, HttpRequest};
use tower::ServiceExt;

use crate::support::{API_KEY, Recorder, builder, params};

#[tokio::test(start_paused = true)]
async fn a_user_layer_sees_every_attempt_with_final_headers() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::chat_completion("ok"));
    let recorder = Recorder::default();
    let client = builder(&server).layer(recorder.clone()).build().unwrap();
    client.chat().completions().create(params()).await.unwrap();

    let attempts = recorder.attempts();
    assert_eq!(attempts.len(), 3);
    for (i, attempt) in attempts.iter().enumerate() {
        let h = &attempt.headers;
        assert_eq!(h["authorization"], format!("Bearer {API_KEY}").as_str());
        assert_eq!(h["x-stainless-retry-count"], i.to_string().as_str());
        assert_eq!(h["x-stainless-read-timeout"], "600");
        assert_eq!(h["x-stainless-lang"], "rust");
        assert_eq!(h["content-type"], "application/json");
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn case_3_d_backoff_grows_exponentially_with_at_most_a_quarter_of_jitter() {
    let server = MockServer::start().await;
    for _ in 0..3 {
        server.enqueue(Mock::error(500));
    }
    server.enqueue(Mock::chat_completion("ok"));
    let recorder = Recorder::default();
    let client = builder(&server)
        .max_retries(3)
        .layer(recorder.clone())
        .build()
        .unwrap();
    client.chat().completions().create(params()).await.unwrap();

    let at: Vec<_> = recorder.attempts().iter().map(|a| a.at).collect();
    assert_eq!(at.len(), 4);
    let bounds = [(375, 500), (750, 1000), (1500, 2000)];
    for (i, (lo, hi)) in bounds.into_iter().enumerate() {
        let gap = at[i + 1] - at[i];
        assert!(
            gap > Duration::from_millis(lo) && gap <= Duration::from_millis(hi),
            "retry {}: {gap:?} not in ({lo} ms, {hi} ms]",
            i + 1
        );
    }
}

#[tokio::test]
async fn layers_run_in_the_order_they_were_added() {
    let server = MockServer::start().await;
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let tag = |name: &'static str| {
        let order = Arc::clone(&order);
        tower::layer::layer_fn(move |inner: openai_transport::BoxHttpService| {
            let order = Arc::clone(&order);
            tower::util::BoxCloneSyncService::new(tower::service_fn(move |mut req: HttpRequest| {
                order.lock().unwrap().push(name);
                req.headers_mut()
                    .append("x-layers", http::HeaderValue::from_static(name));
                inner.clone().oneshot(req)
            }))
        })
    };
    let client = builder(&server)
        .layer(tag("outer"))
        .layer(tag("inner"))
        .build()
        .unwrap();
    client.models().list().await.unwrap();

    assert_eq!(*order.lock().unwrap(), ["outer", "inner"]);
    let seen: Vec<_> = server.requests()[0]
        .headers()
        .get_all("x-layers")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, ["outer", "inner"]);
}

#[tokio::test]
async fn a_layer_can_answer_without_the_network() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let canned = tower::layer::layer_fn(move |_inner: openai_transport::BoxHttpService| {
        let counter = Arc::clone(&counter);
        tower::util::BoxCloneSyncService::new(tower::service_fn(move |req: HttpRequest| {
            counter.fetch_add(1, Ordering::SeqCst);
            let auth = req.headers().get("authorization").cloned();
            async move {
                let body = serde_json::json!({"auth": auth.unwrap().to_str().unwrap()});
                Ok::<_, BoxError>(
                    http::Response::builder()
                        .status(200)
                        .header("x-request-id", "req_layer")
                        .body(openai_transport::ResponseBody::full(body.to_string()))
                        .unwrap(),
                )
            }
        }))
    });
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url("http://127.0.0.1:9/v1")
        .layer(canned)
        .build()
        .unwrap();
    let value: serde_json::Value = client.get("/anything").await.unwrap();

    assert_eq!(value["auth"], format!("Bearer {API_KEY}").as_str());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
