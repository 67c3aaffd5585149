//! Issue 13, "Secrets": a marked secret given to every builder (API key,
//! admin key, key provider, workload identity's subject and access tokens,
//! proxy password, webhook secret; with `azure`, the Azure key and Entra ID
//! token) never shows in a `Debug`, a `Display`, an error, a log line or a
//! span field, with a subscriber recording everything at trace level.

use std::fmt;

use openai::ClientBuilder;
use openai::auth::WorkloadIdentity;
use openai_mock::trace::Recorder;
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

/// Every secret of the test; each one must stay out of everything printed.
const MARKED: &[&str] = &[
    "MARKED-api-key",
    "MARKED-admin-key",
    "MARKED-provider-key",
    "MARKED-subject-token",
    "MARKED-access-token",
    "MARKED-proxy-pass",
    "MARKED-webhook-secret",
    "MARKED-azure-key",
    "MARKED-azure-token",
];

/// Everything a test printed or logged, checked at the end.
#[derive(Default)]
struct Seen(Vec<String>);

impl Seen {
    fn debug_and_display<T: fmt::Debug + fmt::Display>(&mut self, value: &T) {
        self.0.push(format!("{value:?}"));
        self.0.push(format!("{value:#?}"));
        self.0.push(value.to_string());
    }

    fn debug<T: fmt::Debug>(&mut self, value: &T) {
        self.0.push(format!("{value:?}"));
    }

    fn assert_clean(&self, log: &str) {
        assert!(
            log.contains("openai.request"),
            "the calls were traced: {log}"
        );
        for text in self.0.iter().map(String::as_str).chain([log]) {
            for marked in MARKED {
                assert!(!text.contains(marked), "{marked} shows in:\n{text}");
            }
        }
    }
}

fn env_free() -> ClientBuilder {
    ClientBuilder::from_env_with(|_| None)
}

#[tokio::test(start_paused = true)]
async fn no_secret_shows_anywhere() {
    // Every span and event at every level, whichever thread reached a
    // callsite first (see `Recorder::install`).
    let recorder = Recorder::new();
    let _installed = recorder.install();
    let server = MockServer::start().await;
    let mut seen = Seen::default();

    // The API key, the admin key and the webhook secret; a 401 whose header
    // echoes the key.
    let keyed = env_free()
        .api_key("MARKED-api-key")
        .admin_api_key("MARKED-admin-key")
        .webhook_secret("MARKED-webhook-secret")
        .base_url(server.url())
        .max_retries(1);
    seen.debug(&keyed);
    let client = keyed.build().unwrap();
    seen.debug(&client);
    server.enqueue(Mock::error(500));
    server.enqueue(Mock::error(401).header("www-authenticate", "Bearer MARKED-api-key"));
    let err = client.get::<Value>("/models").await.unwrap_err();
    seen.debug_and_display(&err);

    // The admin key alone, on an admin path.
    let admin = env_free()
        .admin_api_key("MARKED-admin-key")
        .base_url(server.url())
        .build()
        .unwrap();
    server.enqueue(Mock::ok(json!({"object": "list", "data": []})));
    let _: Value = admin.get("/organization/projects").await.unwrap();

    // A key provider, then one that fails.
    let provided = env_free()
        .api_key_provider(|| async { "MARKED-provider-key" })
        .base_url(server.url())
        .build()
        .unwrap();
    seen.debug(&provided);
    let _: Value = provided.get("/models").await.unwrap();
    let failing = env_free()
        .api_key_provider(|| async { String::from("bad\nMARKED-provider-key") })
        .base_url(server.url())
        .build()
        .unwrap();
    let err = failing.get::<Value>("/models").await.unwrap_err();
    seen.debug_and_display(&err);

    // Workload identity: the subject token out, the access token back.
    let identity = WorkloadIdentity::new("idp", "sa", || async { "MARKED-subject-token" })
        .token_url(format!("http://{}/oauth/token", server.addr()));
    seen.debug(&identity);
    let workload = env_free()
        .workload_identity(identity.clone())
        .base_url(server.url())
        .build()
        .unwrap();
    seen.debug(&workload);
    server.enqueue(Mock::ok(
        json!({"access_token": "MARKED-access-token", "expires_in": 3600}),
    ));
    let _: Value = workload.get("/models").await.unwrap();
    let refused = env_free()
        .workload_identity(identity)
        .base_url(server.url())
        .build()
        .unwrap();
    server.enqueue(Mock::json(400, json!({"error": "invalid_grant"})));
    let err = refused.get::<Value>("/models").await.unwrap_err();
    seen.debug_and_display(&err);

    // A proxy with a password: the builder, and a call that cannot connect.
    let proxied = env_free()
        .api_key("MARKED-api-key")
        .proxy("http://user:MARKED-proxy-pass@127.0.0.1:9")
        .base_url("http://api.example.invalid/v1")
        .max_retries(0);
    seen.debug(&proxied);
    let err = proxied
        .build()
        .unwrap()
        .get::<Value>("/models")
        .await
        .unwrap_err();
    seen.debug_and_display(&err);

    #[cfg(feature = "azure")]
    {
        use openai::azure::AzureClient;
        for (key, token) in [
            (Some("MARKED-azure-key"), None),
            (None, Some("MARKED-azure-token")),
        ] {
            let mut builder = AzureClient::builder()
                .api_version("2024-10-21")
                .azure_endpoint(format!("http://{}", server.addr()))
                .max_retries(0);
            if let Some(key) = key {
                builder = builder.api_key(key);
            }
            if let Some(token) = token {
                builder = builder.azure_ad_token(token);
            }
            seen.debug(&builder);
            let client = builder.build().unwrap();
            seen.debug(&client);
            server.enqueue(Mock::error(403));
            let err = client.get::<Value>("/models").await.unwrap_err();
            seen.debug_and_display(&err);
        }
    }

    let log = recorder.text();
    seen.assert_clean(&log);
    // The secrets were really used: they reached the server, not the log.
    let sent: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert!(
        sent.iter().any(|h| h == "Bearer MARKED-access-token"),
        "{sent:?}"
    );
    assert!(
        sent.iter().any(|h| h == "Bearer MARKED-provider-key"),
        "{sent:?}"
    );
    assert!(
        sent.iter().any(|h| h == "Bearer MARKED-admin-key"),
        "{sent:?}"
    );
}
