//! Headers on the wire: `reference/client.md` 2, `tests-to-match.md` 5.

use openai_core::RequestOptions;
use openai_mock::{Mock, MockServer};
use openai_transport::headers::{PlatformInfo, arch_name, os_name};
use serde_json::Value;

use crate::support::{builder, header_values, params, test_client};

#[tokio::test]
async fn case_5_10_every_request_carries_the_sdk_headers() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_completion("ok"));
    test_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap();

    let requests = server.requests();
    let r = &requests[0];
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(r.header("authorization"), Some("Bearer My API Key"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("user-agent"),
        Some(format!("OpenAI/Rust {version}").as_str())
    );
    assert_eq!(r.header("x-stainless-lang"), Some("rust"));
    assert_eq!(r.header("x-stainless-package-version"), Some(version));
    assert_eq!(
        r.header("x-stainless-os"),
        Some(os_name(std::env::consts::OS).as_str())
    );
    assert_eq!(
        r.header("x-stainless-arch"),
        Some(arch_name(std::env::consts::ARCH).as_str())
    );
    assert_eq!(r.header("x-stainless-runtime"), Some("rustc"));
    let runtime_version = PlatformInfo::current("OpenAI", version).runtime_version;
    assert!(!runtime_version.is_empty());
    assert_eq!(
        r.header("x-stainless-runtime-version"),
        Some(runtime_version)
    );
    assert_eq!(r.header("x-stainless-async"), Some("async:tokio"));
    assert_eq!(r.header("x-stainless-retry-count"), Some("0"));
    assert_eq!(r.header("x-stainless-read-timeout"), Some("600"));
    // Not set, so not sent.
    assert_eq!(r.header("openai-organization"), None);
    assert_eq!(r.header("openai-project"), None);
    assert_eq!(r.header("idempotency-key"), None);
}

#[tokio::test]
async fn case_5_10_get_requests_have_no_content_type_but_posts_do() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    client.models().list().await.unwrap();
    server.enqueue(Mock::ok(serde_json::json!({})));
    client.post::<Value>("/foo").await.unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].method(), http::Method::GET);
    assert_eq!(requests[0].header("content-type"), None);
    assert_eq!(requests[0].header("accept"), Some("application/json"));
    assert_eq!(requests[1].method(), http::Method::POST);
    assert_eq!(requests[1].header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn organization_and_project_are_sent_when_set() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .organization("org_123")
        .project("proj_456")
        .build()
        .unwrap();
    client.models().list().await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.header("openai-organization"), Some("org_123"));
    assert_eq!(r.header("openai-project"), Some("proj_456"));
}

#[tokio::test(start_paused = true)]
async fn idempotency_key_is_sent_only_when_given_and_reused_on_retries() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::chat_completion("ok"));
    let client = test_client(&server);
    client
        .chat()
        .completions()
        .create(params())
        .idempotency_key("abc")
        .await
        .unwrap();
    client.models().list().await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        header_values(&requests, "idempotency-key"),
        [Some("abc".to_owned()), Some("abc".to_owned()), None]
    );
}

#[tokio::test]
async fn case_5_1_default_headers_are_sent_and_per_call_headers_win() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .default_header("X-Foo", "bar")
        .build()
        .unwrap();
    client.models().list().await.unwrap();
    client.models().list().header("X-Foo", "Foo").await.unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].header("x-foo"), Some("bar"));
    assert_eq!(requests[0].header("x-stainless-lang"), Some("rust"));
    assert_eq!(requests[1].header("x-foo"), Some("Foo"));
    // One value, not both: the per-call header replaces the default.
    assert_eq!(requests[1].headers().get_all("x-foo").iter().count(), 1);
}

#[tokio::test]
async fn case_5_1_a_default_header_overrides_an_sdk_header() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .default_header("X-Foo", "openai")
        .default_header("X-Stainless-Lang", "my-overriding-header")
        .build()
        .unwrap();
    client.models().list().await.unwrap();

    let r = &server.requests()[0];
    assert_eq!(r.header("x-foo"), Some("openai"));
    assert_eq!(r.header("x-stainless-lang"), Some("my-overriding-header"));
    assert_eq!(r.headers().get_all("x-stainless-lang").iter().count(), 1);
}

#[tokio::test]
async fn case_5_2_per_call_header_wins_over_with_options_header() {
    let server = MockServer::start().await;
    let client = test_client(&server).with_options(RequestOptions::new().header("X-Bar", "true"));
    client.models().list().await.unwrap();
    client
        .models()
        .list()
        .header("X-Bar", "false")
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(
        header_values(&requests, "x-bar"),
        [Some("true".to_owned()), Some("false".to_owned())]
    );
}

#[tokio::test(start_paused = true)]
async fn case_4_3_retry_count_header_can_be_omitted_on_every_attempt() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::chat_completion("ok"));
    test_client(&server)
        .chat()
        .completions()
        .create(params())
        .omit_header("x-stainless-retry-count")
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        header_values(&requests, "x-stainless-retry-count"),
        [None, None, None]
    );
}

#[tokio::test(start_paused = true)]
async fn case_4_4_a_caller_retry_count_header_is_sent_unchanged_on_every_attempt() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::chat_completion("ok"));
    test_client(&server)
        .chat()
        .completions()
        .create(params())
        .header("x-stainless-retry-count", "42")
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(r.header("x-stainless-retry-count"), Some("42"));
        assert_eq!(
            r.headers()
                .get_all("x-stainless-retry-count")
                .iter()
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn omitting_a_default_header_removes_it() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .default_header("X-Foo", "bar")
        .build()
        .unwrap();
    client
        .models()
        .list()
        .omit_header("x-foo")
        .omit_header("x-stainless-os")
        .await
        .unwrap();

    let r = &server.requests()[0];
    assert_eq!(r.header("x-foo"), None);
    assert_eq!(r.header("x-stainless-os"), None);
    assert_eq!(r.header("x-stainless-lang"), Some("rust"));
}

#[tokio::test]
async fn raw_response_calls_are_marked() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    client.models().list().with_raw_response().await.unwrap();
    client.models().list().await.unwrap();

    let requests = server.requests();
    assert_eq!(
        header_values(&requests, "x-stainless-raw-response"),
        [Some("true".to_owned()), None]
    );
}

#[tokio::test]
async fn case_5_3_a_per_call_authorization_replaces_the_key_and_omitting_it_sends_none() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    client
        .models()
        .list()
        .header("authorization", "Bearer custom")
        .await
        .unwrap();
    client
        .models()
        .list()
        .omit_header("authorization")
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(
        header_values(&requests, "authorization"),
        [Some("Bearer custom".to_owned()), None]
    );
    assert_eq!(
        requests[0]
            .headers()
            .get_all("authorization")
            .iter()
            .count(),
        1
    );
}

#[tokio::test]
async fn case_5_3_an_admin_key_alone_serves_custom_requests_but_not_api_key_endpoints() {
    let server = MockServer::start().await;
    let client = openai_core::Client::builder()
        .admin_api_key("My Admin API Key")
        .base_url(server.url())
        .build()
        .unwrap();
    let err = client
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    assert!(
        matches!(err, openai_core::Error::InvalidRequest(_)),
        "{err:?}"
    );
    assert_eq!(
        server.requests().len(),
        0,
        "nothing is sent without a usable key"
    );

    server.enqueue(Mock::ok(serde_json::json!({})));
    client.get::<Value>("/organization/projects").await.unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer My Admin API Key")
    );
}

/// tests-to-match 1.3: a `with_options` copy keeps the client's default
/// headers, adds its own, replaces one of the same name, and can drop one
/// (`omit_header`, Python's `set_default_headers` without it); the client it
/// came from is unchanged.
#[tokio::test]
async fn case_1_3_with_options_headers_keep_add_replace_and_omit_the_defaults() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .default_header("X-Foo", "bar")
        .build()
        .unwrap();
    let copies = [
        client.with_options(RequestOptions::new()),
        client.with_options(RequestOptions::new().header("X-Bar", "openai")),
        client.with_options(RequestOptions::new().header("X-Foo", "openai")),
        client.with_options(RequestOptions::new().omit_header("X-Foo")),
        client.with_options(
            RequestOptions::new()
                .omit_header("X-Foo")
                .header("X-Bar", "Robert"),
        ),
    ];
    for copy in &copies {
        copy.models().list().await.unwrap();
    }
    client.models().list().await.unwrap();

    let some = |v: &str| Some(v.to_owned());
    let requests = server.requests();
    assert_eq!(
        header_values(&requests, "x-foo"),
        [
            some("bar"),
            some("bar"),
            some("openai"),
            None,
            None,
            some("bar")
        ]
    );
    assert_eq!(
        header_values(&requests, "x-bar"),
        [None, some("openai"), None, None, some("Robert"), None]
    );
    assert!(
        requests
            .iter()
            .all(|r| r.headers().get_all("x-foo").iter().count() <= 1)
    );
}
