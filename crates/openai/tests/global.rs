//! The module-level client (`openai::global`), after the cases of
//! reference/tests-to-match.md group 13. The settings are process-wide, so
//! the tests take turns.

use std::collections::HashMap;
use std::time::Duration;

use openai::{Error, global};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

/// Whose turn it is: the tests share the process-wide settings.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Takes the turn and starts from no settings and the environment `vars`.
async fn fresh(vars: &[(&str, &str)]) -> tokio::sync::MutexGuard<'static, ()> {
    let turn = TURN.lock().await;
    global::reset();
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    global::set_environment(move |name| vars.get(name).cloned());
    turn
}

/// Also covers tests-to-match.md cases 13.3, 13.5.
#[tokio::test]
async fn case_13_1_settings_build_the_client_and_a_change_rebuilds_it() {
    let _turn = fresh(&[]).await;
    let server = MockServer::start().await;
    global::set_api_key("example API key");
    assert_eq!(global::client().base_url(), "https://api.openai.com/v1/");
    global::set_base_url(server.url());
    assert_eq!(global::client().base_url(), format!("{}/", server.url()));
    global::set_default_header("Foo", "Bar");
    global::set_default_query("tag", "1");
    global::set_organization("org-1");
    global::set_project("proj-1");
    server.enqueue(Mock::ok(json!({})));
    let _: Value = global::client().get("/models").await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("foo"), Some("Bar"));
    assert_eq!(
        request.header("authorization"),
        Some("Bearer example API key")
    );
    assert_eq!(request.header("openai-organization"), Some("org-1"));
    assert_eq!(request.header("openai-project"), Some("proj-1"));
    assert_eq!(request.query(), Some("tag=1"));
}

#[tokio::test(start_paused = true)]
async fn case_13_2_max_retries_and_timeout_apply() {
    let _turn = fresh(&[]).await;
    let server = MockServer::start().await;
    global::set_api_key("k");
    global::set_base_url(server.url());
    global::set_max_retries(1);
    server.enqueue(Mock::error(500).header("retry-after-ms", "1"));
    server.enqueue(Mock::error(500).header("retry-after-ms", "1"));
    let result = global::client().get::<Value>("/models").await;
    assert_eq!(server.requests().len(), 2, "one retry: {result:?}");
    assert!(matches!(result, Err(Error::Api(_))), "{result:?}");

    global::set_max_retries(0);
    global::set_timeout(Duration::from_secs(3));
    server.enqueue(Mock::stall());
    let error = global::client().get::<Value>("/models").await.unwrap_err();
    assert!(matches!(error, Error::Timeout), "{error:?}");
}

#[tokio::test]
async fn the_environment_fills_what_is_not_set() {
    let server = MockServer::start().await;
    let url = server.url();
    let _turn = fresh(&[("OPENAI_API_KEY", "env-key"), ("OPENAI_BASE_URL", &url)]).await;
    server.enqueue(Mock::ok(json!({})));
    let _: Value = global::client().get("/models").await.unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer env-key")
    );
    // An explicit key beats the environment's.
    global::set_api_key("explicit");
    server.enqueue(Mock::ok(json!({})));
    let _: Value = global::client().get("/models").await.unwrap();
    assert_eq!(
        server.requests()[1].header("authorization"),
        Some("Bearer explicit")
    );
}

#[tokio::test]
async fn without_a_key_each_call_fails_and_try_client_says_why() {
    let _turn = fresh(&[]).await;
    let error = global::try_client().unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("missing credentials"), "{error}");
    let error = global::client().get::<Value>("/models").await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the module-level client cannot be built: missing credentials"),
        "{error}"
    );
}

#[cfg(feature = "azure")]
mod azure {
    use super::*;

    #[tokio::test]
    async fn case_13_6_azure_settings_are_validated_in_order() {
        let _turn = fresh(&[("AZURE_OPENAI_API_KEY", "k")]).await;
        let error = global::try_client().unwrap_err();
        assert!(
            error.to_string().contains(
                "Must provide either the `api_version` argument or the `OPENAI_API_VERSION` environment variable"
            ),
            "{error}"
        );
        global::set_api_version("2024-02-01");
        let error = global::try_client().unwrap_err();
        assert!(
            error
                .to_string()
                .contains("Must provide one of the `base_url` or `azure_endpoint` arguments"),
            "{error}"
        );
        global::set_azure_endpoint("https://www.example");
        assert_eq!(global::client().base_url(), "https://www.example/openai/");
    }

    /// Also covers tests-to-match.md cases 13.8, 13.9, 13.10.
    #[tokio::test]
    async fn case_13_7_explicit_module_credentials_beat_the_environment() {
        let server = MockServer::start().await;
        let endpoint = format!("http://{}", server.addr());
        let env = [
            ("AZURE_OPENAI_API_KEY", "fake-ambient-key"),
            ("AZURE_OPENAI_AD_TOKEN", "fake-ambient-token"),
            ("OPENAI_API_VERSION", "2024-02-01"),
            ("AZURE_OPENAI_ENDPOINT", endpoint.as_str()),
        ];
        let headers = |server: &MockServer| {
            let last = server.requests().last().cloned().unwrap();
            (
                last.header("api-key").map(str::to_owned),
                last.header("authorization").map(str::to_owned),
            )
        };
        for select in ["key", "token", "provider", "nothing"] {
            let _turn = fresh(&env).await;
            match select {
                "key" => global::set_api_key("fake-selected"),
                "token" => global::set_azure_ad_token("fake-selected"),
                "provider" => global::set_azure_ad_token_provider(|| async { "fake-selected" }),
                _ => {}
            }
            server.enqueue(Mock::ok(json!({})));
            let _: Value = global::client().get("/models").await.unwrap();
            let expected = match select {
                "key" => (Some("fake-selected".to_owned()), None),
                "nothing" => (None, Some("Bearer fake-ambient-token".to_owned())),
                _ => (None, Some("Bearer fake-selected".to_owned())),
            };
            assert_eq!(headers(&server), expected, "{select}");
            // A Realtime handshake carries the same credential.
            #[cfg(feature = "realtime")]
            {
                let connected = global::client().realtime().connect().model("d").await;
                assert!(connected.is_ok(), "{select}: {connected:?}");
                assert_eq!(headers(&server), expected, "{select}, realtime");
            }
        }
        // Two module credentials.
        let _turn = fresh(&env).await;
        global::set_api_key("k");
        global::set_azure_ad_token_provider(|| async { "t" });
        let error = global::try_client().unwrap_err();
        assert!(error.to_string().contains("mutually exclusive"), "{error}");
    }

    #[tokio::test]
    async fn case_13_11_openai_and_azure_signals_together_are_ambiguous() {
        let _turn = fresh(&[("OPENAI_API_KEY", "sk"), ("AZURE_OPENAI_AD_TOKEN", "t")]).await;
        let error = global::try_client().unwrap_err();
        assert!(
            error.to_string().contains("Ambiguous use of module client"),
            "{error}"
        );
        // Choosing resolves it.
        global::set_api_type(global::ApiType::OpenAi);
        assert_eq!(global::client().base_url(), "https://api.openai.com/v1/");
    }
}
