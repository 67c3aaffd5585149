//! The Azure client against `openai-mock`: URLs per endpoint and mode,
//! headers per credential kind, token refresh per attempt, validation
//! order, environment handling and redirects (reference/azure.md).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use openai_azure::{AzureClientBuilder, AzureError, AzureToken};
use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
use openai_core::types::{EmbeddingCreateParams, FileUpload};
use openai_core::{Client, Error, RequestOptions};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

const VERSION: &str = "2024-10-21";

/// A builder that reads `vars` instead of the process environment.
fn with_env(vars: &[(&str, &str)]) -> AzureClientBuilder {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    AzureClientBuilder::with_env(move |name| vars.get(name).cloned())
}

/// `http://127.0.0.1:<port>`: the mock as an Azure resource endpoint.
fn origin(server: &MockServer) -> String {
    format!("http://{}", server.addr())
}

/// An Azure client on `server` with an API key and no environment.
fn keyed(server: &MockServer) -> AzureClientBuilder {
    with_env(&[])
        .api_version(VERSION)
        .azure_endpoint(origin(server))
        .api_key("azure-key")
        .max_retries(0)
}

/// Sends a hand-made POST of `body` to `path` and returns what the server
/// saw: the path and the query.
async fn post(client: &Client, server: &MockServer, path: &str, body: Value) -> (String, String) {
    server.enqueue(Mock::ok(json!({})));
    let _: Value = client
        .post(path)
        .body(&body)
        .await
        .expect("the call succeeds");
    let requests = server.requests();
    let last = requests.last().expect("a request");
    (
        last.path().to_owned(),
        last.query().unwrap_or_default().to_owned(),
    )
}

/// Also covers tests-to-match.md case 18.4.
#[tokio::test]
async fn case_18_1_deployment_scoped_endpoints_route_by_the_body_model() {
    let server = MockServer::start().await;
    let client = keyed(&server).build().unwrap();
    for path in [
        "/completions",
        "/chat/completions",
        "/embeddings",
        "/audio/transcriptions",
        "/audio/translations",
        "/audio/speech",
        "/images/generations",
        "/images/edits",
    ] {
        let (seen, query) = post(
            &client,
            &server,
            path,
            json!({"model": "my-deployment-model"}),
        )
        .await;
        assert_eq!(
            seen,
            format!("/openai/deployments/my-deployment-model{path}")
        );
        assert_eq!(query, format!("api-version={VERSION}"));
    }
    // The other endpoints keep their path; a body without a model too.
    for path in [
        "/responses",
        "/files",
        "/batches",
        "/assistants",
        "/vector_stores",
    ] {
        let (seen, _) = post(&client, &server, path, json!({"model": "m"})).await;
        assert_eq!(seen, format!("/openai{path}"));
    }
    let (seen, _) = post(
        &client,
        &server,
        "/chat/completions",
        json!({"messages": []}),
    )
    .await;
    assert_eq!(seen, "/openai/chat/completions");
}

#[tokio::test]
async fn resource_methods_route_json_and_multipart_bodies() {
    let server = MockServer::start().await;
    let client = keyed(&server).build().unwrap();
    server.enqueue(Mock::chat_completion("Hello"));
    client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            "gpt-4o",
            [ChatMessage::user("Hi")],
        ))
        .await
        .unwrap();
    client
        .embeddings()
        .create(EmbeddingCreateParams::new(
            "text-embedding-3-small",
            "hello",
        ))
        .await
        .unwrap();
    server.enqueue(Mock::ok(json!({"text": "hi"})));
    client
        .audio()
        .transcriptions()
        .create(openai_core::types::audio::TranscriptionCreateParams::new(
            "whisper-1",
            FileUpload::bytes("a.wav", b"RIFF".to_vec()),
        ))
        .await
        .unwrap();
    client.models().list().await.unwrap();
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/openai/deployments/gpt-4o/chat/completions",
            "/openai/deployments/text-embedding-3-small/embeddings",
            "/openai/deployments/whisper-1/audio/transcriptions",
            "/openai/models",
        ]
    );
}

#[tokio::test]
async fn the_endpoint_loses_its_trailing_slashes() {
    let server = MockServer::start().await;
    let client = with_env(&[])
        .api_version(VERSION)
        .azure_endpoint(format!("{}//", origin(&server)))
        .api_key("k")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), format!("{}/openai/", origin(&server)));
}

#[tokio::test]
async fn a_shared_token_provider_object_works() {
    let server = MockServer::start().await;
    let provider: Arc<dyn openai_azure::TokenProvider> = Arc::new(|| async { "shared" });
    let client = with_env(&[])
        .api_version(VERSION)
        .azure_endpoint(origin(&server))
        .azure_ad_token_provider(Arc::clone(&provider))
        .build()
        .unwrap();
    assert_eq!(
        auth_headers(&client, &server).await,
        (None, Some("Bearer shared".into()))
    );
}

/// Also covers tests-to-match.md case 18.4.
#[tokio::test]
async fn case_18_3_an_azure_deployment_wins_and_other_endpoints_stay_on_the_endpoint() {
    let server = MockServer::start().await;
    let client = keyed(&server)
        .azure_deployment("deployment-client")
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        format!("{}/openai/deployments/deployment-client/", origin(&server))
    );
    let (seen, _) = post(
        &client,
        &server,
        "/chat/completions",
        json!({"model": "deployment-body"}),
    )
    .await;
    assert_eq!(
        seen,
        "/openai/deployments/deployment-client/chat/completions"
    );
    let (seen, query) = post(&client, &server, "/models", json!({})).await;
    assert_eq!(seen, "/openai/models");
    assert_eq!(query, format!("api-version={VERSION}"));
}

/// Also covers tests-to-match.md cases 18.4, 18.6.
#[tokio::test]
async fn case_18_3_a_base_url_is_used_as_given() {
    let server = MockServer::start().await;
    let client = with_env(&[("AZURE_OPENAI_ENDPOINT", "https://ignored.example")])
        .api_version(VERSION)
        .api_key("k")
        .base_url(format!("{}/PTU/", origin(&server)))
        .azure_deployment("ignored")
        .build()
        .unwrap();
    let (seen, _) = post(
        &client,
        &server,
        "/chat/completions",
        json!({"model": "dep"}),
    )
    .await;
    assert_eq!(seen, "/PTU/deployments/dep/chat/completions");
    let (seen, _) = post(&client, &server, "/files", json!({})).await;
    assert_eq!(seen, "/PTU/files");
    // A base URL that names a deployment: no second one.
    let client = with_env(&[])
        .api_version(VERSION)
        .api_key("k")
        .base_url(format!("{}/openai/deployments/fixed", origin(&server)))
        .build()
        .unwrap();
    let (seen, _) = post(
        &client,
        &server,
        "/chat/completions",
        json!({"model": "other"}),
    )
    .await;
    assert_eq!(seen, "/openai/deployments/fixed/chat/completions");
}

#[tokio::test]
async fn case_18_13_the_deployment_map_and_segment_encoding() {
    let server = MockServer::start().await;
    let client = keyed(&server)
        .deployment("gpt-4o", "prod-gpt4o")
        .build()
        .unwrap();
    let (seen, _) = post(
        &client,
        &server,
        "/chat/completions",
        json!({"model": "gpt-4o"}),
    )
    .await;
    assert_eq!(seen, "/openai/deployments/prod-gpt4o/chat/completions");
    let (seen, _) = post(
        &client,
        &server,
        "/chat/completions",
        json!({"model": "a b/c?d"}),
    )
    .await;
    assert_eq!(seen, "/openai/deployments/a%20b%2Fc%3Fd/chat/completions");
    // A dot-segment model is refused before anything is sent.
    let before = server.requests().len();
    for model in [".", ".."] {
        let error = client
            .post::<Value>("/chat/completions")
            .body(json!({"model": model}))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert!(error.to_string().contains("dot-segment"), "{error}");
    }
    assert_eq!(server.requests().len(), before);
}

#[tokio::test]
async fn the_v1_api_sends_no_deployment_and_no_version_unless_asked() {
    let server = MockServer::start().await;
    let client = with_env(&[])
        .azure_endpoint(origin(&server))
        .api_key("k")
        .v1_api()
        .build()
        .unwrap();
    let (seen, query) = post(
        &client,
        &server,
        "/chat/completions",
        json!({"model": "dep"}),
    )
    .await;
    assert_eq!(seen, "/openai/v1/chat/completions");
    assert_eq!(query, "");
    let client = with_env(&[])
        .azure_endpoint(origin(&server))
        .api_key("k")
        .api_version("preview")
        .v1_api()
        .build()
        .unwrap();
    let (_, query) = post(&client, &server, "/responses", json!({"model": "dep"})).await;
    assert_eq!(query, "api-version=preview");
}

#[tokio::test]
async fn case_18_2_api_version_comes_first_and_a_call_may_replace_it() {
    let server = MockServer::start().await;
    let client = keyed(&server)
        .default_query("api-version", "from-default-query")
        .build()
        .unwrap();
    server.enqueue(Mock::ok(
        json!({"object": "list", "data": [], "has_more": false}),
    ));
    client
        .files()
        .list(openai_core::types::FileListParams::new().limit(1))
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].query(),
        Some(format!("api-version={VERSION}&limit=1").as_str())
    );
    server.enqueue(Mock::ok(json!({})));
    let _: Value = client
        .get("/models")
        .query("api-version", "2022-05-01")
        .await
        .unwrap();
    assert_eq!(server.requests()[1].query(), Some("api-version=2022-05-01"));
}

/// The credential headers of the one request `client` sends.
async fn auth_headers(client: &Client, server: &MockServer) -> (Option<String>, Option<String>) {
    server.enqueue(Mock::ok(json!({})));
    let _: Value = client.get("/models").await.unwrap();
    let requests = server.requests();
    let last = requests.last().unwrap();
    (
        last.header("api-key").map(str::to_owned),
        last.header("authorization").map(str::to_owned),
    )
}

#[tokio::test]
async fn case_18_9_each_credential_kind_sends_its_header_only() {
    let server = MockServer::start().await;
    let base = || {
        with_env(&[])
            .api_version(VERSION)
            .azure_endpoint(origin(&server))
    };
    let key = base().api_key("the-key").build().unwrap();
    assert_eq!(
        auth_headers(&key, &server).await,
        (Some("the-key".into()), None)
    );
    let token = base().azure_ad_token("the-token").build().unwrap();
    assert_eq!(
        auth_headers(&token, &server).await,
        (None, Some("Bearer the-token".into()))
    );
    let provider = base()
        .azure_ad_token_provider(|| async { "provided" })
        .build()
        .unwrap();
    assert_eq!(
        auth_headers(&provider, &server).await,
        (None, Some("Bearer provided".into()))
    );
    let key_provider = base()
        .api_key_provider(|| async { Ok::<_, std::io::Error>(String::from("rotated")) })
        .build()
        .unwrap();
    assert_eq!(
        auth_headers(&key_provider, &server).await,
        (Some("rotated".into()), None)
    );
    // The caller's own header wins, per call and per client.
    server.enqueue(Mock::ok(json!({})));
    let _: Value = key
        .get("/models")
        .header("api-key", "per-call")
        .await
        .unwrap();
    assert_eq!(
        server.requests().last().unwrap().header("api-key"),
        Some("per-call")
    );
    let own = base()
        .api_key("the-key")
        .default_header("api-key", "per-client")
        .build()
        .unwrap();
    assert_eq!(
        auth_headers(&own, &server).await.0.as_deref(),
        Some("per-client")
    );
    // The User-Agent names the Azure client.
    let agent = server.requests()[0]
        .header("user-agent")
        .unwrap()
        .to_owned();
    assert!(agent.starts_with("AzureOpenAI/Rust "), "{agent}");
}

#[tokio::test(start_paused = true)]
async fn case_18_8_the_provider_is_called_on_every_attempt() {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let client = with_env(&[])
        .api_version(VERSION)
        .azure_endpoint(origin(&server))
        .azure_ad_token_provider(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move { if n == 0 { "first" } else { "second" } }
        })
        .max_retries(1)
        .build()
        .unwrap();
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::ok(json!({})));
    let _: Value = client.get("/models").await.unwrap();
    let seen: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(seen, ["Bearer first", "Bearer second"]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_provider_error_or_empty_token_fails_at_once() {
    let server = MockServer::start().await;
    let failing = with_env(&[])
        .api_version(VERSION)
        .azure_endpoint(origin(&server))
        .azure_ad_token_provider(|| async {
            Err::<String, _>(std::io::Error::other("the identity service is down"))
        })
        .max_retries(3)
        .build()
        .unwrap();
    let error = failing.get::<Value>("/models").await.unwrap_err();
    assert!(
        error.to_string().contains("the identity service is down"),
        "{error}"
    );
    let empty = with_env(&[])
        .api_version(VERSION)
        .azure_endpoint(origin(&server))
        .azure_ad_token_provider(|| async { String::new() })
        .build()
        .unwrap();
    let error = empty.get::<Value>("/models").await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("Expected `azure_ad_token_provider` argument to return a non-empty string."),
        "{error}"
    );
    assert!(server.requests().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn cached_tokens_are_reused_until_shortly_before_expiry() {
    let server = MockServer::start().await;
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for (lifetime, expected_calls) in [(3600, 1), (60, 2)] {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let client = with_env(&[])
            .api_version(VERSION)
            .azure_endpoint(origin(&server))
            .azure_ad_token_provider(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async move { AzureToken::expiring("t", now + Duration::from_secs(lifetime)) }
            })
            .cache_tokens(Duration::from_secs(300))
            .time_source(openai_transport::time::FixedClock(now))
            .build()
            .unwrap();
        auth_headers(&client, &server).await;
        auth_headers(&client, &server).await;
        assert_eq!(
            calls.load(Ordering::SeqCst),
            expected_calls,
            "lifetime {lifetime}"
        );
    }
}

/// Also covers tests-to-match.md case 18.11.
#[test]
fn case_18_7_validation_runs_in_the_reference_order() {
    let error = |b: AzureClientBuilder| b.build().unwrap_err();
    // 2. Two credentials, whatever else is missing.
    let e = error(with_env(&[]).api_key("k").azure_ad_token("t"));
    assert!(matches!(e, AzureError::MutuallyExclusiveAuth), "{e:?}");
    assert_eq!(
        e.to_string(),
        "The `api_key`, `azure_ad_token` and `azure_ad_token_provider` arguments are mutually exclusive; Only one can be passed at a time"
    );
    let e = error(
        with_env(&[])
            .api_key("k")
            .azure_ad_token_provider(|| async { "t" }),
    );
    assert!(matches!(e, AzureError::MutuallyExclusiveAuth), "{e:?}");
    // 3. No credential (OPENAI_API_KEY does not count).
    let e = error(with_env(&[("OPENAI_API_KEY", "sk-openai")]));
    assert!(matches!(e, AzureError::MissingCredentials), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("Missing credentials. Please pass one of")
    );
    // 4. No version.
    let e = error(with_env(&[]).api_key("k"));
    assert!(matches!(e, AzureError::MissingApiVersion), "{e:?}");
    assert_eq!(
        e.to_string(),
        "Must provide either the `api_version` argument or the `OPENAI_API_VERSION` environment variable"
    );
    // 5. No endpoint (OPENAI_BASE_URL does not count).
    let e = error(
        with_env(&[("OPENAI_BASE_URL", "https://api.example/v1")])
            .api_key("k")
            .api_version(VERSION),
    );
    assert!(matches!(e, AzureError::MissingEndpoint), "{e:?}");
    // 6. Both.
    let e = error(
        with_env(&[])
            .api_key("k")
            .api_version(VERSION)
            .azure_endpoint("https://a.example")
            .base_url("https://b.example"),
    );
    assert!(matches!(e, AzureError::BaseUrlAndEndpoint), "{e:?}");
    assert_eq!(
        e.to_string(),
        "base_url and azure_endpoint are mutually exclusive"
    );
}

/// Also covers tests-to-match.md cases 15.6, 18.10.
#[tokio::test]
async fn case_18_9_the_environment_fills_what_is_not_given() {
    let server = MockServer::start().await;
    let endpoint = origin(&server);
    let env = [
        ("AZURE_OPENAI_ENDPOINT", endpoint.as_str()),
        ("OPENAI_API_VERSION", "2023-07-01"),
        ("AZURE_OPENAI_API_KEY", "env-key"),
        ("AZURE_OPENAI_AD_TOKEN", "env-token"),
        ("OPENAI_API_KEY", "sk-never-sent"),
        ("OPENAI_ORG_ID", "org-1"),
        ("OPENAI_PROJECT_ID", "proj-1"),
        ("OPENAI_CUSTOM_HEADERS", "x-team: ml"),
    ];
    // The token first; the key in the environment is not used.
    let client = with_env(&env).build().unwrap();
    assert_eq!(
        auth_headers(&client, &server).await,
        (None, Some("Bearer env-token".into()))
    );
    let request = server.requests()[0].clone();
    assert_eq!(request.query(), Some("api-version=2023-07-01"));
    assert_eq!(request.header("openai-organization"), Some("org-1"));
    assert_eq!(request.header("openai-project"), Some("proj-1"));
    assert_eq!(request.header("x-team"), Some("ml"));
    // An explicit key beats the environment's token.
    let client = with_env(&env).api_key("explicit").build().unwrap();
    assert_eq!(
        auth_headers(&client, &server).await,
        (Some("explicit".into()), None)
    );
    // The key alone.
    let client = with_env(&env[..3]).build().unwrap();
    assert_eq!(
        auth_headers(&client, &server).await.0.as_deref(),
        Some("env-key")
    );
    // Nothing secret in Debug or in errors.
    let text = format!("{:?}", with_env(&env).api_key("explicit-secret"));
    assert!(
        !text.contains("explicit-secret") && !text.contains("env-token"),
        "{text}"
    );
}

#[tokio::test]
async fn case_18_2_with_options_keeps_the_azure_behaviour() {
    let server = MockServer::start().await;
    let client = keyed(&server).build().unwrap();
    let copy = client.with_options(RequestOptions::new().max_retries(0).header("x-copy", "1"));
    let (seen, query) = post(&copy, &server, "/embeddings", json!({"model": "emb"})).await;
    assert_eq!(seen, "/openai/deployments/emb/embeddings");
    assert_eq!(query, format!("api-version={VERSION}"));
    let last = server.requests().last().unwrap().clone();
    assert_eq!(last.header("api-key"), Some("azure-key"));
    assert_eq!(last.header("x-copy"), Some("1"));
}

#[tokio::test]
async fn case_18_14_no_credential_follows_a_redirect_to_another_origin() {
    let first = MockServer::start().await;
    let second = MockServer::start().await;
    for (target, kept) in [
        (format!("{}/openai/models", origin(&second)), false),
        (format!("{}/openai/models?again=1", origin(&first)), true),
    ] {
        let client = keyed(&first).build().unwrap();
        first.enqueue(Mock::json(307, json!({})).header("location", &target));
        let landing = if kept { &first } else { &second };
        landing.enqueue(Mock::ok(json!({})));
        let _: Value = client.get("/models").await.unwrap();
        let last = landing.requests().last().unwrap().clone();
        assert_eq!(last.header("api-key").is_some(), kept, "to {target}");
    }
}

/// tests-to-match 18.3: a host that starts with `deployments.` and a
/// deployment named `deployments` are not mistaken for a deployment path.
#[tokio::test]
async fn case_18_3_deployments_in_the_host_or_as_the_name_is_not_special() {
    let client = with_env(&[])
        .api_version(VERSION)
        .api_key("k")
        .azure_endpoint("https://deployments.example-resource.azure.openai.com")
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://deployments.example-resource.azure.openai.com/openai/"
    );

    let server = MockServer::start().await;
    let client = keyed(&server).build().unwrap();
    assert_eq!(client.base_url(), format!("{}/openai/", origin(&server)));
    let (seen, query) = post(
        &client,
        &server,
        "/chat/completions",
        json!({"model": "deployment-body"}),
    )
    .await;
    assert_eq!(seen, "/openai/deployments/deployment-body/chat/completions");
    assert_eq!(query, format!("api-version={VERSION}"));

    let client = keyed(&server)
        .azure_deployment("deployments")
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        format!("{}/openai/deployments/deployments/", origin(&server))
    );
    let (seen, query) = post(
        &client,
        &server,
        "/chat/completions",
        json!({"model": "deployment-body"}),
    )
    .await;
    assert_eq!(seen, "/openai/deployments/deployments/chat/completions");
    assert_eq!(query, format!("api-version={VERSION}"));
}

/// tests-to-match 18.12: a key provider is asked before every attempt and
/// again for a copy's request; its key goes in `api-key`, never in
/// `Authorization`.
#[tokio::test(start_paused = true)]
async fn case_18_12_the_key_provider_is_called_before_every_attempt() {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let client = with_env(&[])
        .api_version(VERSION)
        .azure_endpoint(origin(&server))
        .api_key_provider(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok::<_, std::io::Error>(format!("fake-key-{n}")) }
        })
        .max_retries(1)
        .build()
        .unwrap();
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::ok(json!({})));
    let _: Value = client.get("/models").await.unwrap();
    let copy = client.with_options(RequestOptions::new().header("x-copy", "1"));
    server.enqueue(Mock::ok(json!({})));
    let _: Value = copy.get("/models").await.unwrap();

    let requests = server.requests();
    let keys: Vec<_> = requests.iter().map(|r| r.header("api-key")).collect();
    assert_eq!(
        keys,
        [Some("fake-key-1"), Some("fake-key-2"), Some("fake-key-3")]
    );
    assert!(requests.iter().all(|r| r.header("authorization").is_none()));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

/// tests-to-match 18.13: the body's model becomes exactly one encoded path
/// segment, whatever it holds; the body keeps the model as given; `/responses`
/// and `/files` are never rewritten; a fixed deployment ignores the model.
#[tokio::test]
async fn case_18_13_every_deployment_name_is_one_encoded_segment() {
    let server = MockServer::start().await;
    let client = keyed(&server).build().unwrap();
    let table = [
        ("my-deployment_1.2", "my-deployment_1.2"),
        (".hidden", ".hidden"),
        ("...", "..."),
        ("a/b", "a%2Fb"),
        ("../other/operation#", "..%2Fother%2Foperation%23"),
        ("a/./b/../c", "a%2F.%2Fb%2F..%2Fc"),
        (
            "%2e%2E%2fother%3fquery%23fragment",
            "%252e%252E%252fother%253fquery%2523fragment",
        ),
        ("%252e%252e%252fother", "%25252e%25252e%25252fother"),
        ("%2e", "%252e"),
        (".%2E", ".%252E"),
        ("%2e.", "%252e."),
        ("a?api-version=other&x=y", "a%3Fapi-version=other&x=y"),
        ("a#fragment", "a%23fragment"),
        ("a\\b", "a%5Cb"),
        ("a\r\n/b", "a%0D%0A%2Fb"),
        ("a b", "a%20b"),
    ];
    for (model, encoded) in table {
        for path in ["/chat/completions", "/embeddings", "/audio/speech"] {
            let (seen, query) = post(&client, &server, path, json!({"model": model})).await;
            assert_eq!(
                seen,
                format!("/openai/deployments/{encoded}{path}"),
                "{model:?}"
            );
            assert_eq!(query, format!("api-version={VERSION}"), "{model:?}");
            assert_eq!(
                server.requests().last().unwrap().json()["model"],
                model,
                "{model:?}"
            );
        }
    }
    for path in ["/responses", "/files"] {
        let (seen, _) = post(&client, &server, path, json!({"model": ".."})).await;
        assert_eq!(seen, format!("/openai{path}"));
    }
    let fixed = keyed(&server).azure_deployment("fixed").build().unwrap();
    let (seen, _) = post(&fixed, &server, "/chat/completions", json!({"model": ".."})).await;
    assert_eq!(seen, "/openai/deployments/fixed/chat/completions");
}

/// Opens a Realtime connection with `model` (when given) and returns the
/// handshake the server saw: its path, its query and the header `name`.
/// The mock accepts `/openai/realtime`; other paths answer 404, which is
/// enough to see where the handshake went.
async fn realtime_handshake(
    client: &Client,
    server: &MockServer,
    model: Option<&str>,
    header: &str,
) -> (String, String, Option<String>) {
    let connect = client.realtime().connect();
    let connect = match model {
        Some(model) => connect.model(model),
        None => connect,
    };
    let before = server.requests().len();
    let _ = connect.await;
    let requests = server.requests();
    assert_eq!(requests.len(), before + 1, "one handshake");
    let last = requests.last().unwrap();
    assert_eq!(last.header("upgrade"), Some("websocket"));
    (
        last.path().to_owned(),
        last.query().unwrap_or_default().to_owned(),
        last.header(header).map(str::to_owned),
    )
}

/// tests-to-match 18.5: a Realtime handshake goes to the endpoint's
/// `/openai/realtime` (never under a deployment), with the caller's query,
/// `api-version` and `deployment` (the client's `azure_deployment`, else the
/// model) and no `model`; a base URL or `websocket_base_url` is used as
/// given. (Python writes these URLs `wss://`; the handshake is the same
/// request, and the mock is plain `ws://`.)
#[tokio::test]
async fn case_18_5_realtime_urls_name_the_deployment() {
    let server = MockServer::start().await;
    let expected = |deployment: &str| format!("api-version={VERSION}&deployment={deployment}");

    // Endpoint only: the model names the deployment, and the connection opens.
    let client = keyed(&server).build().unwrap();
    let mut connection = client
        .realtime()
        .connect()
        .model("deployment-body")
        .await
        .expect("the mock accepts /openai/realtime");
    let first = connection.recv().await.unwrap().unwrap();
    let first = serde_json::to_value(&first).unwrap();
    assert_eq!(first["type"], "session.created");
    assert_eq!(first["session"]["model"], "deployment-body");
    connection.close(1000, "").await.unwrap();
    let last = server.requests().last().unwrap().clone();
    assert_eq!(last.path(), "/openai/realtime");
    assert_eq!(last.query(), Some(expected("deployment-body").as_str()));
    assert_eq!(last.header("api-key"), Some("azure-key"));
    assert_eq!(last.header("authorization"), None);

    // `azure_deployment` wins over the model, and a deployment named
    // `deployments` is not special.
    for deployment in ["deployment-client", "deployments"] {
        let client = keyed(&server).azure_deployment(deployment).build().unwrap();
        let (path, query, _) =
            realtime_handshake(&client, &server, Some("deployment-body"), "api-key").await;
        assert_eq!(path, "/openai/realtime");
        assert_eq!(query, expected(deployment));
    }

    // The caller's query comes first; the deployment map applies.
    let client = keyed(&server)
        .deployment("gpt-realtime", "my-realtime")
        .build()
        .unwrap();
    let connection = client
        .realtime()
        .connect()
        .model("gpt-realtime")
        .query("extra", "1")
        .await
        .unwrap();
    drop(connection);
    let last = server.requests().last().unwrap().clone();
    assert_eq!(
        last.query(),
        Some(format!("extra=1&{}", expected("my-realtime")).as_str())
    );

    // A base URL of one's own (PTU): used as given.
    let client = with_env(&[])
        .api_version(VERSION)
        .api_key("k")
        .base_url(format!("{}/PTU/", origin(&server)))
        .azure_deployment("ignored")
        .build()
        .unwrap();
    let (path, query, _) =
        realtime_handshake(&client, &server, Some("deployment-body"), "api-key").await;
    assert_eq!(path, "/PTU/realtime");
    assert_eq!(query, expected("deployment-body"));

    // `websocket_base_url`: `<url>/realtime`.
    let client = keyed(&server)
        .websocket_base_url(format!("ws://{}/base", server.addr()))
        .build()
        .unwrap();
    let (path, query, _) =
        realtime_handshake(&client, &server, Some("deployment-body"), "api-key").await;
    assert_eq!(path, "/base/realtime");
    assert_eq!(query, expected("deployment-body"));
}

/// Without `azure_deployment` a Realtime connection needs a model: refused
/// before anything is sent.
#[tokio::test]
async fn an_azure_realtime_connection_without_a_deployment_is_refused() {
    let server = MockServer::start().await;
    let client = keyed(&server).build().unwrap();
    let err = client.realtime().connect().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("deployment"), "{err}");
    assert!(server.requests().is_empty());
}

/// Azure's v1 API has no router: the handshake is `/openai/v1/realtime`
/// with the model, as the v1 API names deployments.
#[tokio::test]
async fn the_v1_api_realtime_handshake_keeps_the_model() {
    let server = MockServer::start().await;
    let client = keyed(&server).v1_api().build().unwrap();
    let (path, query, key) =
        realtime_handshake(&client, &server, Some("my-deployment"), "api-key").await;
    assert_eq!(path, "/openai/v1/realtime");
    assert!(query.contains("model=my-deployment"), "{query}");
    assert!(!query.contains("deployment="), "{query}");
    assert_eq!(key.as_deref(), Some("azure-key"));
}

/// tests-to-match 18.8, 18.9 and 18.12 for Realtime: a key or token provider
/// is asked again for every connect, and the handshake carries only the
/// credential kind's own header.
#[tokio::test]
async fn case_18_12_providers_are_asked_for_every_realtime_connect() {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let client = with_env(&[("AZURE_OPENAI_AD_TOKEN", "fake-ambient-token")])
        .api_version(VERSION)
        .azure_endpoint(origin(&server))
        .api_key_provider(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok::<_, std::io::Error>(format!("fake-key-{n}")) }
        })
        .build()
        .unwrap();
    for n in 1..=2 {
        let (_, _, key) = realtime_handshake(&client, &server, Some("d"), "api-key").await;
        assert_eq!(key, Some(format!("fake-key-{n}")));
        let last = server.requests().last().unwrap().clone();
        assert_eq!(last.header("authorization"), None);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let tokens = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&tokens);
    let client = with_env(&[("AZURE_OPENAI_API_KEY", "fake-ambient-key")])
        .api_version(VERSION)
        .azure_endpoint(origin(&server))
        .azure_ad_token_provider(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            async move { format!("fake-token-{n}") }
        })
        .build()
        .unwrap();
    server.enqueue(Mock::ok(json!({})));
    let _: Value = client.get("/models").await.unwrap();
    let (_, _, bearer) = realtime_handshake(&client, &server, Some("d"), "authorization").await;
    assert_eq!(bearer.as_deref(), Some("Bearer fake-token-2"));
    let last = server.requests().last().unwrap().clone();
    assert_eq!(last.header("api-key"), None);
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
}
