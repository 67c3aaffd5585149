//! Error statuses and bodies: `reference/client.md` 5, `tests-to-match.md` 10.

use openai_core::{ApiErrorKind, Error};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{api_error, no_retry_client, params};

#[tokio::test]
async fn case_10_3_each_error_status_maps_to_its_kind_with_the_body_fields() {
    let table = [
        (400, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Authentication),
        (403, ApiErrorKind::PermissionDenied),
        (404, ApiErrorKind::NotFound),
        (409, ApiErrorKind::Conflict),
        (418, ApiErrorKind::Other),
        (422, ApiErrorKind::UnprocessableEntity),
        (429, ApiErrorKind::RateLimit),
        (500, ApiErrorKind::InternalServer),
        (503, ApiErrorKind::InternalServer),
    ];
    let server = MockServer::start().await;
    let client = no_retry_client(&server);
    for (status, kind) in table {
        server.enqueue(
            Mock::error(status)
                .error_message("Bad thing")
                .error_type("invalid_request_error")
                .error_code("bad_model")
                .error_param("model")
                .header("x-request-id", format!("req_{status}")),
        );
        let err = client
            .chat()
            .completions()
            .create(params())
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let e = api_error(err);
        assert_eq!(e.status(), status, "{status}");
        assert_eq!(e.kind(), kind, "{status}");
        assert_eq!(e.message(), "Bad thing");
        assert_eq!(e.error_type(), Some("invalid_request_error"));
        assert_eq!(e.code(), Some("bad_model"));
        assert_eq!(e.param(), Some("model"));
        assert_eq!(e.request_id(), Some(format!("req_{status}").as_str()));
        assert_eq!(
            e.headers()["x-request-id"],
            format!("req_{status}").as_str()
        );
        assert!(!e.is_stream_error());
        assert_eq!(e.body().unwrap()["code"], "bad_model");
    }
    assert_eq!(server.requests().len(), table.len());
}

#[tokio::test]
async fn query_helpers_follow_the_kind() {
    let server = MockServer::start().await;
    let client = no_retry_client(&server);
    for (status, check) in [
        (
            429,
            openai_core::ApiError::is_rate_limit as fn(&openai_core::ApiError) -> bool,
        ),
        (401, openai_core::ApiError::is_authentication),
        (404, openai_core::ApiError::is_not_found),
        (502, openai_core::ApiError::is_server_error),
    ] {
        server.enqueue(Mock::error(status));
        let e = api_error(client.models().list().await.unwrap_err());
        assert!(check(&e), "{status}");
    }
}

#[tokio::test]
async fn case_10_3_an_empty_error_body_still_gives_the_status() {
    let server = MockServer::start().await;
    server.enqueue(Mock::text(404, ""));
    let e = api_error(no_retry_client(&server).models().list().await.unwrap_err());
    assert_eq!(e.status(), 404);
    assert_eq!(e.kind(), ApiErrorKind::NotFound);
    assert_eq!(e.message(), "Error code: 404");
    assert_eq!(e.body(), None);
    assert_eq!(e.request_id(), Some("req_mock_1"));
}

#[tokio::test]
async fn an_html_error_body_still_gives_the_status() {
    let server = MockServer::start().await;
    let page = "<html><body>502 Bad Gateway</body></html>";
    server.enqueue(Mock::raw(502, format!("\n{page}\n"), "text/html"));
    let e = api_error(no_retry_client(&server).models().list().await.unwrap_err());
    assert_eq!(e.status(), 502);
    assert_eq!(e.kind(), ApiErrorKind::InternalServer);
    assert_eq!(e.message(), page);
    assert_eq!(e.body(), Some(&Value::String(page.to_owned())));
    assert_eq!(e.code(), None);
}

#[tokio::test]
async fn a_truncated_json_error_body_still_gives_the_status() {
    let server = MockServer::start().await;
    server.enqueue(Mock::raw(
        400,
        r#"{"error": {"message": "cut he"#,
        "application/json",
    ));
    let err = no_retry_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    assert!(!matches!(err, Error::Decode(_)), "{err:?}");
    let e = api_error(err);
    assert_eq!(e.status(), 400);
    assert_eq!(e.kind(), ApiErrorKind::BadRequest);
    assert_eq!(e.raw_body().as_ref(), br#"{"error": {"message": "cut he"#);
}

#[tokio::test]
async fn case_10_3_a_text_error_body_is_trimmed_into_the_message() {
    let server = MockServer::start().await;
    server.enqueue(Mock::text(418, "  teapot here \n"));
    let e = api_error(no_retry_client(&server).models().list().await.unwrap_err());
    assert_eq!(e.kind(), ApiErrorKind::Other);
    assert_eq!(e.message(), "teapot here");
    assert_eq!(e.body(), Some(&json!("teapot here")));
}

#[tokio::test]
async fn case_10_2_the_body_is_the_inner_error_object() {
    let server = MockServer::start().await;
    server.enqueue(Mock::json(500, json!({"error": {"message": "x"}})));
    let e = api_error(no_retry_client(&server).models().list().await.unwrap_err());
    assert_eq!(e.body(), Some(&json!({"message": "x"})));
    assert_eq!(e.message(), "x");
}

#[tokio::test]
async fn case_10_3_a_body_without_error_key_is_kept_whole() {
    let server = MockServer::start().await;
    server.enqueue(Mock::json(500, json!({"message": "x", "code": 5})));
    let e = api_error(no_retry_client(&server).models().list().await.unwrap_err());
    assert_eq!(e.body(), Some(&json!({"message": "x", "code": 5})));
    assert_eq!(e.code(), Some("5"));
    assert_eq!(e.kind(), ApiErrorKind::InternalServer);
}

#[tokio::test]
async fn case_9_6_a_malformed_success_body_is_a_decode_error_with_the_request_id() {
    let server = MockServer::start().await;
    server.enqueue(Mock::raw(200, "not json", "application/json"));
    let err = no_retry_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    let Error::Decode(e) = err else {
        panic!("expected Error::Decode, got {err:?}")
    };
    assert_eq!(e.request_id(), Some("req_mock_1"));
    assert!(std::error::Error::source(&e).is_some());
}

#[tokio::test]
async fn case_9_5_a_success_body_of_the_wrong_shape_is_a_decode_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({"choices": "not a list"})));
    let err = no_retry_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_connection_error() {
    // A socket bound but not listening reserves the port, and connecting to
    // it is refused.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    let client = openai_core::Client::builder()
        .api_key("k")
        .base_url(format!("http://{addr}/v1"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.models().list().await.unwrap_err();
    assert!(err.is_connection(), "{err:?}");
    assert!(err.as_api().is_none());
    drop(socket);
}

#[tokio::test]
async fn case_10_1_an_unfollowed_redirect_surfaces_with_its_location() {
    // tests-to-match 10.1: `follow_redirects=False`.
    let server = MockServer::start().await;
    let location = format!("{}/redirected", server.url());
    server.enqueue(Mock::json(302, json!({})).header("location", &location));
    let e = api_error(
        crate::support::test_client(&server)
            .post::<Value>("/redirect")
            .follow_redirects(false)
            .await
            .unwrap_err(),
    );
    assert_eq!(e.status(), 302);
    assert_eq!(e.kind(), ApiErrorKind::Other);
    assert_eq!(e.headers()["location"], location.as_str());
    assert_eq!(server.requests().len(), 1, "3xx is not retried");
}

#[tokio::test]
async fn case_11_1_redirects_are_followed_by_default() {
    // tests-to-match 11.1: POST /redirect -> 302 -> GET /redirected -> 200.
    let server = MockServer::start().await;
    let location = format!("{}/redirected", server.url());
    server.enqueue(Mock::json(302, json!({})).header("location", &location));
    server.enqueue(Mock::ok(json!({"status": "ok"})));
    let v = crate::support::test_client(&server)
        .post::<Value>("/redirect")
        .body(json!({"a": 1}))
        .await
        .unwrap();
    assert_eq!(v, json!({"status": "ok"}));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].method(), "GET");
    assert_eq!(requests[1].path(), "/v1/redirected");
    assert_eq!(
        requests[1].header("authorization"),
        Some("Bearer My API Key"),
        "same origin keeps auth"
    );
}

#[tokio::test]
async fn case_18_14_credentials_never_follow_a_redirect_to_another_origin() {
    // A -> B (another port, so another origin) -> back to A: once the chain
    // has left A, no request carries the key, not even the one back on A.
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    a.enqueue(Mock::json(307, json!({})).header("location", format!("{}/hop", b.url())));
    b.enqueue(Mock::json(307, json!({})).header("location", format!("{}/back", a.url())));
    a.enqueue(Mock::ok(json!({"status": "ok"})));
    let v = crate::support::test_client(&a)
        .post::<Value>("/start")
        .body(json!({"a": 1}))
        .await
        .unwrap();
    assert_eq!(v, json!({"status": "ok"}));
    let (on_a, on_b) = (a.requests(), b.requests());
    assert_eq!((on_a.len(), on_b.len()), (2, 1));
    assert_eq!(on_a[0].header("authorization"), Some("Bearer My API Key"));
    assert_eq!(on_b[0].header("authorization"), None);
    assert_eq!(
        on_a[1].header("authorization"),
        None,
        "the chain left A once"
    );
    // The other default headers, and the 307's method and body, carry on.
    assert!(on_b[0].header("user-agent").is_some());
    assert_eq!(on_a[1].method(), "POST");
    assert_eq!(on_a[1].path(), "/v1/back");
    assert_eq!(on_a[1].body(), &br#"{"a":1}"#[..]);
}

#[tokio::test]
async fn a_redirected_request_keeps_its_per_call_options() {
    let server = MockServer::start().await;
    let location = format!("{}/redirected", server.url());
    server.enqueue(Mock::json(307, json!({})).header("location", &location));
    server.enqueue(Mock::ok(json!({"status": "ok"})));
    crate::support::test_client(&server)
        .post::<Value>("/redirect")
        .body(json!({}))
        .timeout(std::time::Duration::from_millis(12_500))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.header("x-stainless-read-timeout"), Some("12.5"));
    }
}
