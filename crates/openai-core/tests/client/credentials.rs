//! Credentials the client computes (`reference/client.md` 1.3, 1.4 and 17):
//! the API-key provider, workload identity, data residency.
//! `tests-to-match.md` groups 5 (cases 4 to 8), 12 and 19.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use openai_core::auth::{SubjectTokenType, WorkloadIdentity, WorkloadIdentityError};
use openai_core::client::DataResidency;
use openai_core::types::admin::ProjectListParams;
use openai_core::{Client, Error};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{api_error, header_values, params};

/// A provider returning `key-1`, `key-2`, ... and counting its calls.
fn counting_provider() -> (
    Arc<AtomicUsize>,
    impl Fn() -> std::future::Ready<String> + Send + Sync + 'static,
) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        std::future::ready(format!("key-{n}"))
    };
    (calls, provider)
}

fn credential_error(err: Error) -> openai_core::error::CredentialError {
    match err {
        Error::Credential(e) => e,
        other => panic!("expected Error::Credential, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn case_4_9_the_key_provider_is_called_before_every_attempt() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::chat_completion("hi"));
    let (calls, provider) = counting_provider();
    let client = Client::builder()
        .api_key_provider(provider)
        .base_url(server.url())
        .build()
        .unwrap();
    client.chat().completions().create(params()).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        header_values(&server.requests(), "authorization"),
        [
            Some("Bearer key-1".to_owned()),
            Some("Bearer key-2".to_owned())
        ]
    );
}

#[tokio::test]
async fn case_5_4_an_admin_call_uses_the_admin_key_and_never_calls_the_provider() {
    let server = MockServer::start().await;
    let (calls, provider) = counting_provider();
    let client = Client::builder()
        .api_key_provider(provider)
        .admin_api_key("My Admin API Key")
        .base_url(server.url())
        .build()
        .unwrap();
    client
        .admin()
        .organization()
        .projects()
        .list(ProjectListParams::default())
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer My Admin API Key")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn case_5_5_an_admin_call_without_an_admin_key_fails_and_never_calls_the_provider() {
    let server = MockServer::start().await;
    let (calls, provider) = counting_provider();
    let client = openai_core::ClientBuilder::from_env_with(|_| None)
        .api_key_provider(provider)
        .base_url(server.url())
        .build()
        .unwrap();
    let err = client
        .admin()
        .organization()
        .projects()
        .list(ProjectListParams::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("could not resolve authentication method"),
        "{err}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn case_5_7_the_provider_replaces_a_plain_key_and_the_environment() {
    let server = MockServer::start().await;
    let client = openai_core::ClientBuilder::from_env_with(|name| {
        (name == "OPENAI_API_KEY").then(|| "env-key".into())
    })
    .api_key("test_api_key")
    .api_key_provider(|| async { "test_bearer_token" })
    .base_url(server.url())
    .build()
    .unwrap();
    client.models().list().await.unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer test_bearer_token")
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_or_empty_provider_is_a_credential_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let failing = Client::builder()
        .api_key_provider(|| async {
            Err::<String, _>(std::io::Error::other("the vault is sealed"))
        })
        .base_url(server.url())
        .max_retries(3)
        .build()
        .unwrap();
    let err = credential_error(failing.models().list().await.unwrap_err());
    assert!(err.to_string().contains("the vault is sealed"), "{err}");

    let empty = Client::builder()
        .api_key_provider(|| async { String::new() })
        .base_url(server.url())
        .build()
        .unwrap();
    let err = credential_error(empty.models().list().await.unwrap_err());
    assert_eq!(
        err.to_string(),
        "Expected the `api_key` provider to return a non-empty string."
    );
    assert!(server.requests().is_empty(), "nothing is sent");
}

// ===== workload identity (group 12) =====

fn token_answer(token: &str) -> Mock {
    Mock::ok(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}))
}

/// A workload identity whose token endpoint is `server`'s `/oauth/token`,
/// counting subject-token calls.
fn identity(server: &MockServer) -> (WorkloadIdentity, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let identity = WorkloadIdentity::new("provider_123", "service_account_123", move || {
        counter.fetch_add(1, Ordering::SeqCst);
        std::future::ready("subject-jwt")
    })
    .subject_token_type(SubjectTokenType::Jwt)
    .token_url(format!("http://{}/oauth/token", server.addr()));
    (identity, calls)
}

fn workload_client(server: &MockServer, identity: WorkloadIdentity) -> Client {
    openai_core::ClientBuilder::from_env_with(|name| {
        (name == "OPENAI_API_KEY").then(|| "env-key".into())
    })
    .workload_identity(identity)
    .base_url(server.url())
    .build()
    .unwrap()
}

#[tokio::test]
async fn case_12_1_a_401_refreshes_the_token_and_sends_again_once() {
    let server = MockServer::start().await;
    server.enqueue(token_answer("openai-access-token-1"));
    server.enqueue(Mock::error(401));
    server.enqueue(token_answer("openai-access-token-2"));
    server.enqueue(Mock::chat_completion("hi"));
    let (identity, calls) = identity(&server);
    let client = workload_client(&server, identity);
    client.chat().completions().create(params()).await.unwrap();

    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path()).collect();
    assert_eq!(
        paths,
        [
            "/oauth/token",
            "/v1/chat/completions",
            "/oauth/token",
            "/v1/chat/completions"
        ]
    );
    assert_eq!(
        requests[1].header("authorization"),
        Some("Bearer openai-access-token-1")
    );
    assert_eq!(
        requests[3].header("authorization"),
        Some("Bearer openai-access-token-2")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let exchange = requests[0].json();
    assert_eq!(
        exchange,
        json!({
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": "subject-jwt",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "identity_provider_id": "provider_123",
            "service_account_id": "service_account_123",
        })
    );
    // The exchange carries no credential of the client's.
    assert_eq!(requests[0].header("authorization"), None);
}

#[tokio::test]
async fn case_12_2_a_403_is_returned_without_a_refresh() {
    let server = MockServer::start().await;
    server.enqueue(token_answer("openai-access-token-1"));
    server.enqueue(Mock::error(403));
    let (identity, calls) = identity(&server);
    let client = workload_client(&server, identity);
    let err = client
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    assert_eq!(api_error(err).status(), 403);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn the_token_is_cached_and_refreshed_ahead_of_expiry() {
    let server = MockServer::start().await;
    server.enqueue(token_answer("token-1"));
    let (identity, calls) = identity(&server);
    let client = workload_client(&server, identity);
    client.models().list().await.unwrap();
    client.models().list().await.unwrap();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one exchange serves both calls"
    );

    // expires_in 3600: refreshed 1200 s ahead, so after 2400 s.
    tokio::time::advance(Duration::from_secs(2399)).await;
    client.models().list().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    tokio::time::advance(Duration::from_secs(2)).await;
    server.enqueue(token_answer("token-2"));
    client.models().list().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let last = server.requests().pop().unwrap();
    assert_eq!(last.header("authorization"), Some("Bearer token-2"));
}

#[tokio::test]
async fn case_5_6_admin_calls_keep_the_admin_key() {
    let server = MockServer::start().await;
    let (identity, calls) = identity(&server);
    let client = Client::builder()
        .workload_identity(identity)
        .admin_api_key("My Admin API Key")
        .base_url(server.url())
        .build()
        .unwrap();
    client
        .admin()
        .organization()
        .projects()
        .list(ProjectListParams::default())
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "no token exchange");
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer My Admin API Key")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn a_refused_exchange_or_a_failing_subject_token_is_a_credential_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::json(
        400,
        json!({"error": "invalid_grant", "error_description": "subject token expired"}),
    ));
    let (identity, _) = identity(&server);
    let client = workload_client(&server, identity);
    let err = credential_error(client.models().list().await.unwrap_err());
    let source = std::error::Error::source(&err)
        .and_then(|e| e.downcast_ref::<WorkloadIdentityError>())
        .expect("the workload identity's error");
    match source {
        WorkloadIdentityError::Exchange {
            status,
            error,
            description,
            ..
        } => {
            assert_eq!(*status, 400);
            assert_eq!(error.as_deref(), Some("invalid_grant"));
            assert_eq!(description.as_deref(), Some("subject token expired"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.requests().len(),
        1,
        "not retried, the API not called"
    );

    let failing = WorkloadIdentity::new("p", "s", || async {
        Err::<String, _>(std::io::Error::other("no token mounted"))
    })
    .token_url(format!("http://{}/oauth/token", server.addr()));
    let client = workload_client(&server, failing);
    let err = credential_error(client.models().list().await.unwrap_err());
    assert!(err.to_string().contains("no token mounted"), "{err}");
    assert_eq!(server.requests().len(), 1, "nothing more was sent");
}

#[test]
fn case_1_9_a_workload_identity_excludes_an_api_key_but_not_the_environment_key() {
    let identity = || WorkloadIdentity::new("p", "s", || async { "t" });
    let err = Client::builder()
        .api_key("sk-1")
        .workload_identity(identity())
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("The `api_key` and `workload_identity` arguments are mutually exclusive"),
        "{err}"
    );
    let env = |name: &str| (name == "OPENAI_API_KEY").then(|| "sk-env".to_owned());
    let client = openai_core::ClientBuilder::from_env_with(env)
        .workload_identity(identity())
        .build();
    assert!(client.is_ok());
    let debug = format!("{:?}", Client::builder().workload_identity(identity()));
    assert!(debug.contains("WorkloadIdentity"), "{debug}");
}

// ===== data residency (group 19) =====

#[test]
fn case_19_1_regions_map_to_their_hosts() {
    for (name, url) in [
        ("global", "https://api.openai.com/v1"),
        ("us", "https://us.api.openai.com/v1"),
        ("eu", "https://eu.api.openai.com/v1"),
        ("ae", "https://ae.api.openai.com/v1"),
    ] {
        let region: DataResidency = name.parse().unwrap();
        assert_eq!(region.base_url(), url);
        let client = Client::builder()
            .api_key("k")
            .data_residency(region)
            .build()
            .unwrap();
        assert_eq!(client.base_url(), format!("{url}/"));
    }
}

#[test]
fn case_19_2_a_region_and_a_base_url_are_mutually_exclusive() {
    let err = Client::builder()
        .api_key("k")
        .base_url("https://example.com/v1")
        .data_residency(DataResidency::Eu)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("mutually exclusive"), "{err}");
}

/// tests-to-match 19.6: a region's WebSockets follow its host, so a
/// `websocket_base_url` beside a region is refused. (Python's regional copy
/// that drops an inherited one has no counterpart: a region is set on the
/// builder only.)
#[test]
fn case_19_6_a_region_and_a_websocket_base_url_are_mutually_exclusive() {
    let err = Client::builder()
        .api_key("k")
        .websocket_base_url("wss://example.com/v1")
        .data_residency(DataResidency::Eu)
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`data_residency` and `websocket_base_url`"),
        "{err}"
    );
    let alone = Client::builder()
        .api_key("k")
        .websocket_base_url("wss://example.com/v1")
        .build();
    assert!(alone.is_ok());
}

#[test]
fn case_19_3_unknown_regions_are_refused() {
    for name in ["", "UNKNOWN-RESIDENCY", "EU", "42"] {
        let err = name.parse::<DataResidency>().unwrap_err();
        assert!(
            err.to_string().contains("Invalid `data_residency`"),
            "{name}"
        );
    }
}

#[test]
fn case_19_4_the_region_wins_over_openai_base_url() {
    let env = |name: &str| match name {
        "OPENAI_API_KEY" => Some("k".to_owned()),
        "OPENAI_BASE_URL" => Some("https://proxy.example/v1".to_owned()),
        _ => None,
    };
    let regional = openai_core::ClientBuilder::from_env_with(env)
        .data_residency(DataResidency::Us)
        .build()
        .unwrap();
    assert_eq!(regional.base_url(), "https://us.api.openai.com/v1/");
    let plain = openai_core::ClientBuilder::from_env_with(env)
        .build()
        .unwrap();
    assert_eq!(plain.base_url(), "https://proxy.example/v1/");
}

#[tokio::test]
async fn case_19_5_a_region_changes_only_the_destination() {
    // Requests to the region's host reach the mock through a user layer that
    // re-targets them, so what the client sent can be checked.
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({"ok": true})));
    let client = Client::builder()
        .api_key("test-key")
        .data_residency(DataResidency::Global)
        .layer(crate::support::RetargetLayer::new(server.addr()))
        .build()
        .unwrap();
    client
        .post::<Value>("/data-residency-contract")
        .body(json!({"message": "hello"}))
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.path(), "/v1/data-residency-contract");
    assert_eq!(request.header("x-original-host"), Some("api.openai.com"));
    assert!(
        request
            .headers()
            .keys()
            .all(|name| !name.as_str().contains("residency"))
    );
    assert_eq!(request.header("authorization"), Some("Bearer test-key"));
}
