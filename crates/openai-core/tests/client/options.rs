//! Per-call options, raw responses and hand-made requests:
//! `tests-to-match.md` 7, 8 and 9, API.md "Calls" and "Raw and streamed responses".

use openai_core::{Error, RequestOptions};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{params, test_client};

#[tokio::test]
async fn case_7_2_query_and_extra_body_are_added_to_the_call() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_completion("ok"));
    test_client(&server)
        .chat()
        .completions()
        .create(params())
        .query("my_param", "1")
        .extra_body(json!({"my_param": true, "temperature": 0.5}))
        .await
        .unwrap();

    let r = &server.requests()[0];
    assert_eq!(r.query_pairs(), [("my_param".to_owned(), "1".to_owned())]);
    let body = r.json();
    assert_eq!(body["my_param"], true);
    assert_eq!(body["temperature"], 0.5);
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(body["messages"][0]["content"], "Say this is a test");
}

#[tokio::test]
async fn case_8_1_extra_body_replaces_keys_and_keeps_null() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    server.enqueue(Mock::ok(json!({})));
    client
        .post::<Value>("/foo")
        .body(json!({"foo": "bar", "baz": true}))
        .extra_body(json!({"baz": null}))
        .await
        .unwrap();
    server.enqueue(Mock::ok(json!({})));
    client
        .post::<Value>("/foo")
        .extra_body(json!({"baz": false}))
        .await
        .unwrap();
    server.enqueue(Mock::ok(json!({})));
    client
        .post::<Value>("/foo")
        .body(json!({"foo": "bar"}))
        .extra_body(json!({"baz": false}))
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].json(), json!({"foo": "bar", "baz": null}));
    assert_eq!(requests[1].json(), json!({"baz": false}));
    assert_eq!(requests[2].json(), json!({"foo": "bar", "baz": false}));
}

#[tokio::test]
async fn extra_body_into_a_non_object_body_is_rejected_before_sending() {
    let server = MockServer::start().await;
    let err = test_client(&server)
        .post::<Value>("/foo")
        .body(json!([1, 2]))
        .extra_body(json!({"a": 1}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn a_non_finite_float_in_the_body_is_rejected_before_sending() {
    // reference/client.md 8: serde_json would write `null`, a value the
    // caller never gave; the official SDK refuses the body.
    let server = MockServer::start().await;
    for bad in [f64::NAN, f64::INFINITY] {
        let err = test_client(&server)
            .chat()
            .completions()
            .create(params().temperature(bad))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        assert!(
            err.to_string().contains("Out of range float values"),
            "{err}"
        );
    }
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn case_7_2_client_options_and_call_options_combine() {
    let server = MockServer::start().await;
    let client = test_client(&server).with_options(
        RequestOptions::new()
            .query("foo", "client")
            .query("bar", "1")
            .extra_body(json!({"a": 1})),
    );
    server.enqueue(Mock::ok(json!({})));
    client
        .post::<Value>("/foo")
        .query("foo", "call")
        .extra_body(json!({"b": 2}))
        .await
        .unwrap();

    let r = &server.requests()[0];
    let mut pairs = r.query_pairs();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("bar".to_owned(), "1".to_owned()),
            ("foo".to_owned(), "call".to_owned())
        ]
    );
    assert_eq!(r.json(), json!({"a": 1, "b": 2}));
}

#[tokio::test]
async fn a_custom_post_sends_the_body_and_returns_the_json() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({"foo": "bar"})));
    let value: Value = test_client(&server)
        .post("/foo")
        .body(json!({"my_param": true}))
        .await
        .unwrap();

    assert_eq!(value, json!({"foo": "bar"}));
    let r = &server.requests()[0];
    assert_eq!(r.method(), http::Method::POST);
    assert_eq!(r.path(), "/v1/foo");
    assert_eq!(r.json(), json!({"my_param": true}));
    assert_eq!(r.header("authorization"), Some("Bearer My API Key"));
}

#[tokio::test]
async fn custom_methods_use_their_verb() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    for _ in 0..4 {
        server.enqueue(Mock::ok(json!({})));
    }
    client.get::<Value>("/a").await.unwrap();
    client.put::<Value>("/b").body(json!({})).await.unwrap();
    client.patch::<Value>("/c").body(json!({})).await.unwrap();
    client.delete::<Value>("/d").await.unwrap();

    let methods: Vec<_> = server
        .requests()
        .iter()
        .map(|r| (r.method().clone(), r.path().to_owned()))
        .collect();
    assert_eq!(
        methods,
        [
            (http::Method::GET, "/v1/a".to_owned()),
            (http::Method::PUT, "/v1/b".to_owned()),
            (http::Method::PATCH, "/v1/c".to_owned()),
            (http::Method::DELETE, "/v1/d".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_get_never_sends_a_body() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({})));
    test_client(&server)
        .get::<Value>("/foo")
        .body(json!({"ignored": true}))
        .extra_body(json!({"also": "ignored"}))
        .await
        .unwrap();
    assert!(server.requests()[0].body().is_empty());
}

#[tokio::test]
async fn case_9_1_raw_response_exposes_status_headers_and_parses_later() {
    let server = MockServer::start().await;
    server.enqueue(
        Mock::chat_completion("hi")
            .header("x-my-header", "yes")
            .header("x-request-id", "req_raw"),
    );
    let raw = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .with_raw_response()
        .await
        .unwrap();

    assert_eq!(raw.status(), 200);
    assert_eq!(raw.headers()["x-my-header"], "yes");
    assert_eq!(raw.request_id(), Some("req_raw"));
    assert_eq!(raw.retries_taken(), 0);
    let json: Value = serde_json::from_slice(raw.bytes().unwrap()).unwrap();
    assert_eq!(json["object"], "chat.completion");
    let completion = raw.parse().unwrap();
    assert_eq!(completion.choices[0].message.content.as_deref(), Some("hi"));
    assert_eq!(completion.request_id(), Some("req_raw"));
}

#[tokio::test]
async fn raw_response_of_an_error_status_is_an_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(404));
    let err = test_client(&server)
        .models()
        .retrieve("gone")
        .with_raw_response()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn raw_response_parse_reports_a_bad_body() {
    let server = MockServer::start().await;
    server.enqueue(Mock::raw(200, "not json", "application/json"));
    let raw = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .with_raw_response()
        .await
        .unwrap();
    assert_eq!(raw.text().as_deref(), Some("not json"));
    assert!(matches!(raw.parse(), Err(Error::Decode(_))));
}

#[tokio::test]
async fn a_bad_per_call_header_fails_before_sending() {
    let server = MockServer::start().await;
    let err = test_client(&server)
        .models()
        .list()
        .header("x-ok", "line\nbreak")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    let err = test_client(&server)
        .models()
        .list()
        .idempotency_key("bad\nkey")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(server.requests().len(), 0);
}

/// tests-to-match 1.2: `with_options` is Python's `copy`: the copy has its own
/// retries and timeout, a copy of the copy its own again, and the client each
/// came from keeps what it had (2 retries, 600 s).
#[tokio::test(start_paused = true)]
async fn case_1_2_with_options_changes_retries_and_timeout_of_the_copy_only() {
    let server = MockServer::start().await;
    let original = test_client(&server);
    let copy = original.with_options(RequestOptions::new().max_retries(7));
    let copy_of_copy = copy.with_options(RequestOptions::new().max_retries(6));
    // Attempts = 1 + retries; every attempt fails, so the count is exact.
    for (label, client, attempts) in [
        ("copy", &copy, 8),
        ("original", &original, 3),
        ("copy of the copy", &copy_of_copy, 7),
        ("copy again", &copy, 8),
    ] {
        server.clear_requests();
        for _ in 0..attempts {
            server.enqueue(Mock::error(500));
        }
        let err = client.models().list().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{label}");
        assert_eq!(server.requests().len(), attempts, "{label}");
        assert_eq!(server.pending(), 0, "{label}");
    }

    server.clear_requests();
    let untimed = original.with_options(RequestOptions::new().no_timeout());
    untimed.models().list().await.unwrap();
    original.models().list().await.unwrap();
    assert_eq!(
        crate::support::header_values(&server.requests(), "x-stainless-read-timeout"),
        [None, Some("600".to_owned())]
    );
}
