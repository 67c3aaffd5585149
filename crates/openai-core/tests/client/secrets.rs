//! Secrets stay out of `Debug`, `Display` and logs: API.md "Client" and
//! "Logging", `tests-to-match.md` 15.1.

use openai_core::Client;
use openai_mock::trace::Recorder;
use openai_mock::{Mock, MockServer};
use serde_json::json;

use crate::support::{API_KEY, api_error, builder, no_retry_client, params};

#[test]
fn case_15_5_builder_and_client_debug_hide_the_keys() {
    let b = Client::builder()
        .api_key(API_KEY)
        .admin_api_key("My Admin API Key")
        .base_url("http://127.0.0.1:9/v1")
        .organization("org_visible");
    let text = format!("{b:?}");
    assert!(text.contains("org_visible"), "{text}");
    assert!(!text.contains("API Key"), "{text}");
    let client = b.build().unwrap();
    let text = format!("{client:?}");
    assert!(text.contains("127.0.0.1:9"), "{text}");
    assert!(!text.contains("API Key"), "{text}");
}

#[tokio::test]
async fn case_15_5_api_errors_do_not_show_the_key_even_when_headers_echo_it() {
    let server = MockServer::start().await;
    server.enqueue(
        Mock::error(401)
            .error_message("Incorrect API key provided.")
            .header("www-authenticate", format!("Bearer {API_KEY}")),
    );
    let err = no_retry_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap_err();
    for text in [format!("{err:?}"), format!("{err}"), format!("{err:#?}")] {
        assert!(!text.contains(API_KEY), "{text}");
    }
    let e = api_error(err);
    // Still reachable on purpose, through the headers accessor.
    assert!(e.headers().contains_key("www-authenticate"));
    assert!(!format!("{e:?}").contains(API_KEY));
    assert!(!e.to_string().contains(API_KEY));
}

/// Also covers tests-to-match.md case 15.1.
#[tokio::test(start_paused = true)]
async fn case_4_8_logs_of_a_call_hold_no_secrets() {
    // Every span and event at every level (`Recorder::install` also makes
    // callsites first reached by other tests' threads ask this one).
    let recorder = Recorder::new();
    let _installed = recorder.install();
    let server = MockServer::start().await;
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::chat_completion("ok").header("x-request-id", "req_fake_logging"));
    builder(&server)
        .organization("org_s3cr3t")
        .build()
        .unwrap()
        .chat()
        .completions()
        .create(params())
        .header("x-secret", "s3cr3t")
        .query("token", "q-s3cr3t")
        .extra_body(json!({"password": "b-s3cr3t", "nested": {"key": "n-s3cr3t"}}))
        .idempotency_key("idem-s3cr3t")
        .await
        .unwrap();

    let log = recorder.text();
    // The log is not empty: the call, the retry and the response are there.
    assert!(log.contains("Sending HTTP Request: POST"), "{log}");
    assert!(log.contains("Retrying request in"), "{log}");
    assert!(log.contains("HTTP Response: POST 200"), "{log}");
    assert!(log.contains("request_id: req_fake_logging"), "{log}");
    assert!(log.contains("/v1/chat/completions"), "{log}");
    for secret in [API_KEY, "s3cr3t"] {
        assert!(
            !log.contains(secret),
            "{secret:?} leaked into the log:\n{log}"
        );
    }
}
