//! Base URL, path joining, query strings, path parameters and the environment:
//! `tests-to-match.md` 6 and 7, `reference/client.md` 1.2 and 1.5.

use openai_core::{Client, ClientBuilder, Error};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{API_KEY, test_client};

/// A lookup over fixed pairs, standing in for the process environment.
fn env(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }
}

/// Also covers tests-to-match.md case 6.1.
#[tokio::test]
async fn case_6_3_a_base_url_path_without_trailing_slash_prefixes_every_request() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://{}/custom/path", server.addr()))
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        format!("http://{}/custom/path/", server.addr())
    );
    server.enqueue(Mock::ok(json!({"object": "list", "data": []})));
    client.models().list().await.unwrap();
    server.enqueue(Mock::ok(json!({})));
    client.post::<Value>("/foo").await.unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].path(), "/custom/path/models");
    assert_eq!(requests[1].path(), "/custom/path/foo");
}

#[tokio::test]
async fn case_6_4_an_absolute_url_ignores_the_base_url() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url("http://127.0.0.1:9/elsewhere")
        .max_retries(0)
        .build()
        .unwrap();
    server.enqueue(Mock::ok(json!({"foo": "bar"})));
    let value: Value = client
        .post(&format!("http://{}/absolute/foo", server.addr()))
        .await
        .unwrap();

    assert_eq!(value, json!({"foo": "bar"}));
    assert_eq!(server.requests()[0].path(), "/absolute/foo");
}

#[tokio::test]
async fn case_6_5_a_hard_coded_query_is_merged_with_call_parameters() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    server.enqueue(Mock::ok(json!({})));
    client.get::<Value>("/foo?beta=true").await.unwrap();
    server.enqueue(Mock::ok(json!({})));
    client
        .get::<Value>("/foo?beta=true")
        .query("limit", "10")
        .query("page", "abc")
        .await
        .unwrap();
    server.enqueue(Mock::ok(json!({})));
    client
        .get::<Value>("/files/a%2Fb?beta=true")
        .query("limit", "10")
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].query(), Some("beta=true"));
    assert_eq!(requests[1].query(), Some("beta=true&limit=10&page=abc"));
    assert_eq!(requests[2].path(), "/v1/files/a%2Fb");
    assert_eq!(requests[2].query(), Some("beta=true&limit=10"));
}

#[tokio::test]
async fn case_7_2_a_call_parameter_replaces_a_hard_coded_one_of_the_same_name() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({})));
    test_client(&server)
        .get::<Value>("/foo?beta=true&keep=1")
        .query("beta", "false")
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].query_pairs(),
        [
            ("keep".to_owned(), "1".to_owned()),
            ("beta".to_owned(), "false".to_owned())
        ]
    );
}

#[tokio::test]
async fn case_6_6_path_parameters_are_percent_encoded() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(
        json!({"id": "a/b", "object": "model", "created": 1, "owned_by": "me"}),
    ));
    let model = test_client(&server).models().retrieve("a/b").await.unwrap();
    assert_eq!(model.id, "a/b");
    assert_eq!(server.requests()[0].path(), "/v1/models/a%2Fb");
}

#[tokio::test]
async fn case_6_6_dot_segment_and_empty_ids_fail_before_sending() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    for id in ["..", ".", ""] {
        let err = client.models().retrieve(id).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{id:?}: {err:?}");
        let err = client.models().delete(id).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{id:?}: {err:?}");
    }
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn case_6_2_env_base_url_is_normalized_and_used() {
    let server = MockServer::start().await;
    let client = ClientBuilder::from_env_with(env(vec![
        ("OPENAI_API_KEY", "env key".to_owned()),
        ("OPENAI_BASE_URL", server.url()),
    ]))
    .build()
    .unwrap();
    assert_eq!(client.base_url(), format!("{}/", server.url()));
    client.models().list().await.unwrap();

    let r = &server.requests()[0];
    assert_eq!(r.path(), "/v1/models");
    assert_eq!(r.header("authorization"), Some("Bearer env key"));
    assert_eq!(r.header("openai-organization"), None);
}

#[tokio::test]
async fn env_organization_and_project_become_headers() {
    let server = MockServer::start().await;
    let client = ClientBuilder::from_env_with(env(vec![
        ("OPENAI_API_KEY", API_KEY.to_owned()),
        ("OPENAI_BASE_URL", server.url()),
        ("OPENAI_ORG_ID", "org_env".to_owned()),
        ("OPENAI_PROJECT_ID", "proj_env".to_owned()),
    ]))
    .build()
    .unwrap();
    client.models().list().await.unwrap();

    let r = &server.requests()[0];
    assert_eq!(r.header("openai-organization"), Some("org_env"));
    assert_eq!(r.header("openai-project"), Some("proj_env"));
}

#[tokio::test]
async fn env_custom_headers_are_default_headers_that_explicit_ones_replace() {
    // reference/client.md 1.2: one `name: value` per line, split at the
    // first colon and trimmed; lines without a colon are skipped.
    let server = MockServer::start().await;
    let client = ClientBuilder::from_env_with(env(vec![
        ("OPENAI_API_KEY", API_KEY.to_owned()),
        ("OPENAI_BASE_URL", server.url()),
        (
            "OPENAI_CUSTOM_HEADERS",
            "X-Team:  search \nno colon here\r\nX-Url: http://a:8080/x\r\nX-Mine: env\n".to_owned(),
        ),
    ]))
    .default_header("x-mine", "explicit")
    .build()
    .unwrap();
    client.models().list().await.unwrap();

    let r = &server.requests()[0];
    assert_eq!(r.header("x-team"), Some("search"));
    assert_eq!(r.header("x-url"), Some("http://a:8080/x"));
    assert_eq!(r.header("x-mine"), Some("explicit"));
    assert_eq!(r.header("no colon here"), None);
}

#[test]
fn an_unsendable_env_custom_header_is_a_config_error_that_shows_no_value() {
    let err = ClientBuilder::from_env_with(env(vec![
        ("OPENAI_API_KEY", API_KEY.to_owned()),
        (
            "OPENAI_CUSTOM_HEADERS",
            "X-Ok: 1\nBad Name: s3cr3t".to_owned(),
        ),
    ]))
    .build()
    .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("OPENAI_CUSTOM_HEADERS line 2"), "{text}");
    assert!(!text.contains("s3cr3t") && !text.contains("Bad"), "{text}");
}

#[test]
fn a_missing_env_key_is_a_config_error() {
    let err = ClientBuilder::from_env_with(env(vec![(
        "OPENAI_BASE_URL",
        "http://127.0.0.1:9/v1".to_owned(),
    )]))
    .build()
    .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[test]
fn the_default_base_url_is_openai() {
    let client = Client::builder().api_key(API_KEY).build().unwrap();
    assert_eq!(client.base_url(), "https://api.openai.com/v1/");
}

#[tokio::test]
async fn query_values_are_form_encoded() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({})));
    test_client(&server)
        .get::<Value>("/foo")
        .query("q", "a b&c/d")
        .query("in[]", "é")
        .await
        .unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.query(), Some("q=a+b%26c%2Fd&in%5B%5D=%C3%A9"));
    assert_eq!(
        r.query_pairs(),
        [
            ("q".to_owned(), "a b&c/d".to_owned()),
            ("in[]".to_owned(), "é".to_owned())
        ]
    );
}

/// The query pairs of `r`, sorted.
fn sorted_pairs(r: &openai_mock::RecordedRequest) -> Vec<(String, String)> {
    let mut pairs = r.query_pairs();
    pairs.sort();
    pairs
}

/// `(name, value)` as owned strings.
fn pair(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// tests-to-match 1.4: a `with_options` copy keeps the client's default
/// query, adds its own parameters and replaces one of the same name.
#[tokio::test]
async fn case_1_4_with_options_query_keeps_adds_and_replaces_the_default_query() {
    let server = MockServer::start().await;
    let client = crate::support::builder(&server)
        .default_query("foo", "bar")
        .build()
        .unwrap();
    let copies = [
        client.with_options(openai_core::RequestOptions::new()),
        client.with_options(openai_core::RequestOptions::new().query("bar", "openai")),
        client.with_options(openai_core::RequestOptions::new().query("foo", "openai")),
    ];
    for copy in &copies {
        server.enqueue(Mock::ok(json!({})));
        copy.get::<Value>("/foo").await.unwrap();
    }
    server.enqueue(Mock::ok(json!({})));
    client.get::<Value>("/foo").await.unwrap();

    let requests = server.requests();
    assert_eq!(sorted_pairs(&requests[0]), [pair("foo", "bar")]);
    assert_eq!(
        sorted_pairs(&requests[1]),
        [pair("bar", "openai"), pair("foo", "bar")]
    );
    assert_eq!(sorted_pairs(&requests[2]), [pair("foo", "openai")]);
    assert_eq!(sorted_pairs(&requests[3]), [pair("foo", "bar")]);
}

/// tests-to-match 1.4, `set_default_query` without a parameter: a copy (or
/// one call) can drop a default query parameter by name; the client keeps
/// it, and a later `query` of that name sends it again.
#[tokio::test]
async fn case_1_4_omit_query_drops_a_default_query_parameter() {
    use openai_core::RequestOptions;
    let server = MockServer::start().await;
    let client = crate::support::builder(&server)
        .default_query("foo", "bar")
        .default_query("keep", "1")
        .build()
        .unwrap();
    let copy = client.with_options(RequestOptions::new().omit_query("foo"));
    let restored = copy.with_options(RequestOptions::new().query("foo", "again"));
    for _ in 0..5 {
        server.enqueue(Mock::ok(json!({})));
    }
    copy.get::<Value>("/foo").await.unwrap();
    client.get::<Value>("/foo").await.unwrap();
    restored.get::<Value>("/foo").await.unwrap();
    client
        .get::<Value>("/foo")
        .options(&RequestOptions::new().omit_query("foo"))
        .await
        .unwrap();
    copy.get::<Value>("/foo")
        .options(&RequestOptions::new().query("foo", "call"))
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(sorted_pairs(&requests[0]), [pair("keep", "1")]);
    assert_eq!(
        sorted_pairs(&requests[1]),
        [pair("foo", "bar"), pair("keep", "1")]
    );
    assert_eq!(
        sorted_pairs(&requests[2]),
        [pair("foo", "again"), pair("keep", "1")]
    );
    assert_eq!(sorted_pairs(&requests[3]), [pair("keep", "1")]);
    assert_eq!(
        sorted_pairs(&requests[4]),
        [pair("foo", "call"), pair("keep", "1")]
    );
}

/// tests-to-match 7.1: the client's default query is on every request, and
/// a call's parameter of the same name replaces it.
#[tokio::test]
async fn case_7_1_the_default_query_is_sent_and_a_call_parameter_replaces_it() {
    let server = MockServer::start().await;
    let client = crate::support::builder(&server)
        .default_query("query_param", "bar")
        .build()
        .unwrap();
    server.enqueue(Mock::ok(json!({})));
    client.get::<Value>("/foo").await.unwrap();
    server.enqueue(Mock::ok(json!({})));
    client
        .get::<Value>("/foo")
        .query("foo", "baz")
        .query("query_param", "overridden")
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(sorted_pairs(&requests[0]), [pair("query_param", "bar")]);
    assert_eq!(
        sorted_pairs(&requests[1]),
        [pair("foo", "baz"), pair("query_param", "overridden")]
    );
}
