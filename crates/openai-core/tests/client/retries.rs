//! Retries: `reference/client.md` 4, `tests-to-match.md` 3 and 4. The clock is
//! paused, so backoff sleeps cost no real time and elapsed times are exact.

use std::time::{Duration, SystemTime};

use openai_core::{ApiErrorKind, Error, RequestOptions};
use openai_mock::{Mock, MockServer};
use openai_transport::time::FixedClock;
use tokio::time::Instant;

use crate::support::{api_error, builder, header_values, no_retry_client, params, test_client};

#[tokio::test(start_paused = true)]
async fn case_3_c_waits_for_retry_after_ms_then_succeeds() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(429).header("retry-after-ms", "1500"));
    server.enqueue(Mock::chat_completion("ok"));
    let started = Instant::now();
    test_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(server.requests().len(), 2);
    assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1600), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn case_3_c_waits_for_retry_after_seconds() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(503).header("retry-after", "3"));
    server.enqueue(Mock::chat_completion("ok"));
    let started = Instant::now();
    test_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(server.requests().len(), 2);
    assert!(elapsed >= Duration::from_secs(3), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(3100), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn case_3_a_waits_until_a_retry_after_http_date() {
    let server = MockServer::start().await;
    // Fri, 29 Sep 2023 16:26:37 GMT.
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_696_004_797);
    let client = builder(&server)
        .time_source(FixedClock(now))
        .build()
        .unwrap();
    server.enqueue(Mock::error(429).header("retry-after", "Fri, 29 Sep 2023 16:26:57 GMT"));
    server.enqueue(Mock::chat_completion("ok"));
    let started = Instant::now();
    client.chat().completions().create(params()).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(server.requests().len(), 2);
    assert!(elapsed >= Duration::from_secs(20), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(20_100), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn case_3_1_a_retry_after_above_the_cap_is_not_retried() {
    let server = MockServer::start().await;
    server.enqueue(Mock::json(429, serde_json::json!({"error": {}})).header("retry-after", "121"));
    let err = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    assert_eq!(api_error(err).status(), 429);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn case_3_2_an_unparseable_retry_after_date_does_not_mask_the_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(400).header("retry-after", "Fri, 29 Sep 100000 16:26:57 GMT"));
    let err = test_client(&server).models().list().await.unwrap_err();
    assert_eq!(api_error(err).kind(), ApiErrorKind::BadRequest);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn x_should_retry_true_retries_a_400() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(400).header("x-should-retry", "true"));
    server.enqueue(Mock::chat_completion("ok"));
    test_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn x_should_retry_false_stops_a_500() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(500).header("x-should-retry", "false"));
    let err = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    assert_eq!(api_error(err).status(), 500);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn case_4_7_retryable_statuses_are_retried() {
    let server = MockServer::start().await;
    let client = builder(&server).max_retries(1).build().unwrap();
    for status in [408, 409, 429, 500, 502, 503, 504] {
        server.clear_requests();
        server.enqueue(Mock::error(status));
        server.enqueue(Mock::chat_completion("ok"));
        let result = client.chat().completions().create(params()).await;
        assert!(result.is_ok(), "{status}: {result:?}");
        assert_eq!(server.requests().len(), 2, "{status}");
    }
}

#[tokio::test(start_paused = true)]
async fn case_4_10_client_errors_are_not_retried() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    for status in [400, 401, 403, 404, 422] {
        server.clear_requests();
        server.enqueue(Mock::error(status));
        let err = client
            .chat()
            .completions()
            .create(params())
            .await
            .unwrap_err();
        assert_eq!(api_error(err).status(), status);
        assert_eq!(server.requests().len(), 1, "{status}");
    }
    assert_eq!(server.pending(), 0);
}

#[tokio::test(start_paused = true)]
async fn insufficient_quota_is_not_retried_but_a_plain_429_is() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    // A retry would reach the built-in model and succeed.
    server.enqueue(Mock::error(429).error_code("insufficient_quota"));
    let e = api_error(
        client
            .chat()
            .completions()
            .create(params())
            .await
            .unwrap_err(),
    );
    assert_eq!(e.kind(), ApiErrorKind::RateLimit);
    assert_eq!(e.code(), Some("insufficient_quota"));
    assert_eq!(server.requests().len(), 1);

    server.clear_requests();
    server.enqueue(Mock::error(429));
    client.chat().completions().create(params()).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn case_4_7_a_dropped_connection_is_retried() {
    let server = MockServer::start().await;
    server.enqueue(Mock::drop_connection());
    server.enqueue(Mock::chat_completion("ok"));
    let completion = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap();
    assert_eq!(completion.choices[0].message.content.as_deref(), Some("ok"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("x-stainless-retry-count"), Some("1"));
}

#[tokio::test(start_paused = true)]
async fn case_4_7_a_dropped_connection_without_retries_is_a_connection_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::drop_connection());
    let err = no_retry_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    assert!(err.is_connection(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn case_4_7_a_timed_out_attempt_is_retried() {
    let server = MockServer::start().await;
    server.enqueue(Mock::stall());
    server.enqueue(Mock::chat_completion("ok"));
    test_client(&server)
        .chat()
        .completions()
        .create(params())
        .timeout(Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn case_4_7_a_timed_out_attempt_without_retries_is_a_timeout() {
    let server = MockServer::start().await;
    server.enqueue(Mock::stall());
    let err = no_retry_client(&server)
        .chat()
        .completions()
        .create(params())
        .timeout(Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn case_4_6_retries_stop_after_max_retries_with_the_last_error() {
    let server = MockServer::start().await;
    for _ in 0..4 {
        server.enqueue(Mock::error(500));
    }
    let err = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    assert_eq!(api_error(err).status(), 500);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        header_values(&requests, "x-stainless-retry-count"),
        [Some("0".into()), Some("1".into()), Some("2".into())]
    );
    // Every attempt carries the same body.
    assert_eq!(requests[0].json()["model"], "gpt-4o");
    assert!(requests.iter().all(|r| r.body() == requests[0].body()));
    assert_eq!(server.pending(), 1);
}

#[tokio::test(start_paused = true)]
async fn case_4_1_retries_taken_counts_failed_attempts() {
    for (label, failure) in [("500", Mock::error(500)), ("drop", Mock::drop_connection())] {
        for n in [0_u32, 2, 4] {
            let server = MockServer::start().await;
            let client = test_client(&server).with_options(RequestOptions::new().max_retries(4));
            for _ in 0..n {
                server.enqueue(failure.clone());
            }
            server.enqueue(Mock::chat_completion("ok"));
            let raw = client
                .chat()
                .completions()
                .create(params())
                .with_raw_response()
                .await
                .unwrap();
            assert_eq!(raw.retries_taken(), n, "{label} x{n}");
            let requests = server.requests();
            assert_eq!(requests.len(), n as usize + 1, "{label} x{n}");
            let last = requests.last().unwrap();
            assert_eq!(
                last.header("x-stainless-retry-count"),
                Some(n.to_string().as_str()),
                "{label} x{n}"
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn per_call_max_retries_overrides_the_client() {
    let server = MockServer::start().await;
    for _ in 0..5 {
        server.enqueue(Mock::error(500));
    }
    server.enqueue(Mock::chat_completion("ok"));
    test_client(&server)
        .chat()
        .completions()
        .create(params())
        .max_retries(5)
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 6);

    server.clear_requests();
    server.enqueue(Mock::error(500));
    let err = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(api_error(err).status(), 500);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_error_status_on_a_streaming_call_is_retried_before_the_stream_starts() {
    use futures_util::StreamExt;

    let server = MockServer::start().await;
    server.enqueue(Mock::error(429).header("retry-after-ms", "10"));
    server.enqueue(Mock::chat_stream("Hello there"));
    let stream = test_client(&server)
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    let chunks: Vec<_> = stream.collect().await;
    assert!(chunks.iter().all(Result::is_ok), "{chunks:?}");
    assert_eq!(server.requests().len(), 2);
}
