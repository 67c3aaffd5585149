//! Timeouts: `reference/client.md` 3, `tests-to-match.md` 2.

use std::time::Duration;

use futures_util::StreamExt;
use openai_core::{Error, RequestOptions};
use openai_mock::{Mock, MockServer};
use tokio::time::Instant;

use crate::support::{builder, header_values, params, test_client};

/// Also covers tests-to-match.md cases 2.1, 2.5.
#[tokio::test]
async fn case_2_4_read_timeout_header_follows_client_and_call_timeouts() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .timeout(Duration::from_secs(20))
        .max_retries(0)
        .build()
        .unwrap();
    client.models().list().await.unwrap();
    client
        .models()
        .list()
        .timeout(Duration::from_secs(7))
        .await
        .unwrap();
    client
        .models()
        .list()
        .timeout(Duration::from_millis(12_500))
        .await
        .unwrap();
    client.models().list().no_timeout().await.unwrap();
    client
        .with_options(RequestOptions::new().timeout(Duration::from_secs(13)))
        .models()
        .list()
        .await
        .unwrap();

    assert_eq!(
        header_values(&server.requests(), "x-stainless-read-timeout"),
        [
            Some("20".to_owned()),
            Some("7".to_owned()),
            Some("12.5".to_owned()),
            None,
            Some("13".to_owned()),
        ]
    );
}

#[tokio::test]
async fn case_2_5_no_timeout_client_sends_no_read_timeout_header() {
    let server = MockServer::start().await;
    let client = builder(&server).no_timeout().build().unwrap();
    client.models().list().await.unwrap();
    client
        .models()
        .list()
        .timeout(Duration::from_secs(3))
        .await
        .unwrap();

    assert_eq!(
        header_values(&server.requests(), "x-stainless-read-timeout"),
        [None, Some("3".to_owned())]
    );
}

/// Also covers tests-to-match.md case 2.5.
#[tokio::test]
async fn case_2_1_default_read_timeout_header_is_600() {
    let server = MockServer::start().await;
    test_client(&server).models().list().await.unwrap();
    assert_eq!(
        server.requests()[0].header("x-stainless-read-timeout"),
        Some("600")
    );
}

#[tokio::test(start_paused = true)]
async fn a_stalled_response_times_out_at_the_deadline() {
    let server = MockServer::start().await;
    server.enqueue(Mock::stall());
    let client = builder(&server)
        .timeout(Duration::from_secs(10))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed >= Duration::from_secs(10), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(10_100), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn timeouts_apply_per_attempt() {
    let server = MockServer::start().await;
    server.enqueue(Mock::stall());
    server.enqueue(Mock::stall());
    let client = builder(&server)
        .timeout(Duration::from_secs(10))
        .max_retries(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.models().list().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.requests().len(), 2);
    // Two full attempts plus one backoff of at most 0.5 s.
    assert!(elapsed >= Duration::from_millis(20_375), "{elapsed:?}");
    assert!(elapsed <= Duration::from_millis(20_500), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn a_slow_body_of_a_buffered_call_times_out() {
    let server = MockServer::start().await;
    // The head arrives at once; the body's frames are 3 s apart, past the 5 s
    // deadline that covers the whole buffered response.
    server.enqueue(
        Mock::sse_raw(vec!["{\"a\":".into(), "1".into(), "}".into()])
            .chunk_delay(Duration::from_secs(3)),
    );
    let client = builder(&server)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.get::<serde_json::Value>("/slow").await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn a_stream_that_keeps_moving_outlives_the_timeout() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("one two three four").chunk_delay(Duration::from_secs(3)));
    let client = builder(&server)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let stream = client
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    let chunks: Vec<_> = stream.collect().await;
    let elapsed = started.elapsed();
    let text: String = chunks
        .into_iter()
        .map(|c| c.unwrap())
        .filter_map(|c| {
            c.choices
                .first()
                .and_then(|ch| ch.delta.content.clone().into_option())
        })
        .collect();
    assert_eq!(text, "one two three four");
    // Six gaps of 3 s: far beyond the 5 s timeout, which only bounds silence.
    assert!(elapsed >= Duration::from_secs(18), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn a_stream_that_goes_silent_times_out() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_stream("one two").chunk_delay(Duration::from_secs(6)));
    let client = builder(&server)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .unwrap();
    let mut stream = client
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap();
    let first = stream.next().await.unwrap();
    assert!(first.is_ok(), "{first:?}");
    let started = Instant::now();
    let second = stream.next().await.unwrap();
    assert!(matches!(second, Err(Error::Timeout)), "{second:?}");
    assert!(
        started.elapsed() <= Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(stream.next().await.is_none());
}

/// tests-to-match 2.2: a zero timeout is a timeout of zero, not "unset": it
/// is not replaced by the 600 s default, so a stalled answer fails at once.
#[tokio::test(start_paused = true)]
async fn case_2_2_a_zero_timeout_is_kept_and_not_replaced_by_the_default() {
    use std::future::IntoFuture;

    let server = MockServer::start().await;
    server.enqueue(Mock::stall());
    let client = builder(&server)
        .timeout(Duration::ZERO)
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let result = tokio::time::timeout(
        Duration::from_secs(60),
        client.models().list().into_future(),
    )
    .await
    .expect("a zero timeout must not fall back to the default");
    let err = result.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}
