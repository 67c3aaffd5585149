//! Secrets stay out of `Debug`, `Display` and logs: API.md "Client" and
//! "Logging", `tests-to-match.md` 15.1.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use openai_core::Client;
use openai_mock::{Mock, MockServer};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::support::{API_KEY, api_error, builder, no_retry_client, params};

/// A subscriber that writes every span and event, with all fields, into a
/// string: whatever any layer or dependency logs at any level ends up here.
struct Capture {
    out: Arc<Mutex<String>>,
    next_id: AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Capture {
    fn write(&self, f: impl FnOnce(&mut String)) {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut out);
        out.push('\n');
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::TRACE)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.write(|out| {
            let _ = write!(out, "span {}:", span.metadata().name());
            span.record(&mut Fields(out));
        });
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        self.write(|out| {
            out.push_str("record:");
            values.record(&mut Fields(out));
        });
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        self.write(|out| {
            let m = event.metadata();
            let _ = write!(out, "{} {}:", m.level(), m.target());
            event.record(&mut Fields(out));
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

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
    // tracing-core caches each callsite's interest process-wide. With exactly
    // one registered dispatcher it computes that interest from the default of
    // whichever thread hits the callsite first, so a callsite first reached by
    // another test's thread would be cached as "never" and our thread-local
    // subscriber would miss it. A second live dispatcher makes every callsite
    // ask all registered dispatchers, which include ours.
    let _second_dispatcher = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let out = Arc::new(Mutex::new(String::new()));
    let _guard = tracing::subscriber::set_default(Capture {
        out: Arc::clone(&out),
        next_id: AtomicU64::new(0),
    });
    tracing::callsite::rebuild_interest_cache();
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

    let log = out.lock().unwrap_or_else(PoisonError::into_inner).clone();
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
