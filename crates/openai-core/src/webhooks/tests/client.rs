//! `client.webhooks()`: the secret's resolution and the system clock;
//! `unwrap`; and what errors and `Debug` may show.

use std::time::{Duration, UNIX_EPOCH};

use http::HeaderMap;

use super::*;

fn client(secret: Option<&str>) -> Client {
    let b = Client::builder().api_key("sk-test");
    match secret {
        Some(s) => b.webhook_secret(s),
        None => b,
    }
    .build()
    .unwrap()
}

fn wall_clock_now() -> u64 {
    SystemClock
        .now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Also covers tests-to-match.md case 17.1.
#[test]
fn case_17_2_client_secret_resolution() {
    let now = wall_clock_now().to_string();
    let h = signed_headers(&now);
    // Nothing anywhere.
    let err = client(None)
        .webhooks()
        .verify_signature(BODY, &h, None, None)
        .unwrap_err();
    assert!(matches!(err, WebhookError::MissingSecret));
    assert!(err.to_string().contains("OPENAI_WEBHOOK_SECRET"));
    // The client's.
    let with = client(Some(SECRET));
    with.webhooks()
        .verify_signature(BODY, &h, None, None)
        .unwrap();
    // An argument wins, even an empty one.
    client(None)
        .webhooks()
        .verify_signature(BODY, &h, Some(SECRET), None)
        .unwrap();
    let err = with
        .webhooks()
        .verify_signature(BODY, &h, Some(""), None)
        .unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature));
    // Copies keep it.
    with.with_options(crate::RequestOptions::new())
        .webhooks()
        .verify_signature(BODY, &h, None, None)
        .unwrap();
    // From the environment.
    let env = crate::ClientBuilder::from_env_with(|name| match name {
        "OPENAI_API_KEY" => Some("sk-test".to_owned()),
        "OPENAI_WEBHOOK_SECRET" => Some(SECRET.to_owned()),
        _ => None,
    })
    .build()
    .unwrap();
    env.webhooks().unwrap(BODY, &h, None).unwrap();
}

#[test]
fn client_tolerance_and_missing_secret_first() {
    let c = client(Some(SECRET));
    let old = (wall_clock_now() - 100).to_string();
    let h = signed_headers(&old);
    c.webhooks().verify_signature(BODY, &h, None, None).unwrap();
    let tight = Some(Duration::from_secs(10));
    let err = c.webhooks().verify_signature(BODY, &h, None, tight);
    assert!(matches!(err, Err(WebhookError::TimestampTooOld)));
    // The secret is resolved before the headers are read.
    let err = client(None)
        .webhooks()
        .unwrap(BODY, &HeaderMap::new(), None);
    assert!(matches!(err, Err(WebhookError::MissingSecret)));
}

#[test]
fn case_17_1_unwrap_parses_after_verifying() {
    let body = r#"{"id":"evt_9","object":"event","created_at":1700000000,"type":"response.completed","data":{"id":"resp_1"}}"#;
    let sig = sign(KEY, ID, "1700000000", body);
    let h = headers(ID, "1700000000", &format!("v1,{sig}"));
    match verifier().unwrap(body, &h).unwrap() {
        WebhookEvent::ResponseCompleted(e) => {
            assert_eq!(e.id, "evt_9");
            assert_eq!(e.data.id, "resp_1");
        }
        other => panic!("{other:?}"),
    }
    // A bad signature is reported before anything is parsed.
    let err = verifier().unwrap("not json", &h).unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature));
}

#[test]
fn unwrap_keeps_unknown_types_and_rejects_non_json() {
    let body = r#"{"id":"evt_2","type":"safety_identifier.blocked","data":{"x":1}}"#;
    let sig = sign(KEY, ID, "1700000000", body);
    let h = headers(ID, "1700000000", &format!("v1,{sig}"));
    let e = verifier().unwrap(body, &h).unwrap();
    assert!(e.is_unknown());
    assert_eq!(e.event_type(), Some("safety_identifier.blocked"));
    assert_eq!(e.id(), Some("evt_2"));
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(e, WebhookEvent::Unknown(json));

    let body = "{not json";
    let sig = sign(KEY, ID, "1700000000", body);
    let h = headers(ID, "1700000000", &format!("v1,{sig}"));
    match verifier().unwrap(body, &h) {
        Err(WebhookError::InvalidPayload(e)) => assert!(e.is_json()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn errors_and_debug_never_show_secrets_payloads_or_signatures() {
    let v = verifier();
    let text = format!("{v:?}");
    assert!(!text.contains("b3Blbm"), "{text}");
    assert!(text.contains("redacted"));
    let c = client(Some(SECRET));
    assert!(!format!("{c:?} {:?}", c.webhooks()).contains("b3Blbm"));

    let body = r#"{"secret_field": "payload-marker""#;
    let sig = sign(KEY, ID, "1700000000", body);
    let cases = [
        v.unwrap(body, &headers(ID, "1700000000", &format!("v1,{sig}"))),
        v.unwrap(
            body,
            &headers(ID, "1700000000", "v1,c2lnbmF0dXJlLW1hcmtlcg=="),
        ),
        v.unwrap(b"\xffpayload-marker", &signed_headers("1700000000")),
        WebhookVerifier::new("whsec_b3Blbm!!")
            .time_source(at(TS))
            .unwrap(body, &signed_headers("1700000000")),
    ];
    for result in cases {
        let err = result.unwrap_err();
        let mut text = format!("{err} {err:?}");
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            text.push_str(&format!(" {s} {s:?}"));
            source = s.source();
        }
        for secret in [
            "payload-marker",
            "secret_field",
            "c2lnbmF0dXJl",
            "b3Blbm",
            &sig,
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

#[test]
fn public_types_are_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<WebhookVerifier>();
    check::<Webhooks<'static>>();
    check::<WebhookEvent>();
}
