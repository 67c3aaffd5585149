use super::*;
use crate::{Body, ResponseBody};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

type Seen = Arc<Mutex<Vec<Option<String>>>>;

fn recorder() -> (
    Seen,
    impl Service<HttpRequest, Response = HttpResponse, Error = BoxError, Future = impl Send> + Clone,
) {
    recorder_of(AUTHORIZATION)
}

/// Records the value of the header `name` of each request.
fn recorder_of(
    name: HeaderName,
) -> (
    Seen,
    impl Service<HttpRequest, Response = HttpResponse, Error = BoxError, Future = impl Send> + Clone,
) {
    let seen: Seen = Arc::default();
    let s = seen.clone();
    let svc = tower::service_fn(move |req: HttpRequest| {
        let v = req
            .headers()
            .get(&name)
            .map(|v| v.to_str().unwrap().to_owned());
        s.lock().unwrap().push(v);
        async { Ok::<_, BoxError>(http::Response::new(ResponseBody::empty())) }
    });
    (seen, svc)
}

fn req(scope: Option<AuthScope>) -> HttpRequest {
    let mut r = http::Request::get("http://x/").body(Body::empty()).unwrap();
    if let Some(s) = scope {
        r.extensions_mut().insert(s);
    }
    r
}

fn both() -> Credentials {
    Credentials::new()
        .api_key(Credential::bearer("My API Key").unwrap())
        .admin_api_key(Credential::bearer("My Admin API Key").unwrap())
}

#[tokio::test]
async fn case_5_3_selects_the_key_by_scope() {
    let (seen, svc) = recorder();
    let svc = AuthLayer::new(both()).layer(svc);
    svc.clone().oneshot(req(None)).await.unwrap();
    svc.clone()
        .oneshot(req(Some(AuthScope::Admin)))
        .await
        .unwrap();
    svc.oneshot(req(Some(AuthScope::ApiKey))).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![
            Some("Bearer My API Key".to_owned()),
            Some("Bearer My Admin API Key".to_owned()),
            Some("Bearer My API Key".to_owned()),
        ]
    );
}

#[tokio::test]
async fn case_5_3_admin_only_client_cannot_call_api_key_endpoints() {
    let (seen, svc) = recorder();
    let creds = Credentials::new().admin_api_key(Credential::bearer("admin").unwrap());
    let svc = AuthLayer::new(creds).layer(svc);
    let err = svc
        .clone()
        .oneshot(req(Some(AuthScope::ApiKey)))
        .await
        .unwrap_err();
    let missing = crate::error::find_source::<MissingCredential>(&*err).unwrap();
    assert_eq!(missing.scope(), AuthScope::ApiKey);
    assert!(crate::error::find_source::<Permanent>(&*err).is_some());
    assert!(seen.lock().unwrap().is_empty(), "nothing may be sent");
    // No extension means an ordinary endpoint: the same refusal.
    let err = svc.clone().oneshot(req(None)).await.unwrap_err();
    let missing = crate::error::find_source::<MissingCredential>(&*err).unwrap();
    assert_eq!(missing.scope(), AuthScope::ApiKey);
    svc.clone()
        .oneshot(req(Some(AuthScope::Admin)))
        .await
        .unwrap();
    svc.oneshot(req(Some(AuthScope::Any))).await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            Some("Bearer admin".to_owned()),
            Some("Bearer admin".to_owned())
        ]
    );
}

#[tokio::test]
async fn case_5_3_caller_header_and_omit_win() {
    let (seen, svc) = recorder();
    let svc = AuthLayer::new(Credentials::new()).layer(svc);
    let mut custom = req(None);
    custom
        .headers_mut()
        .insert(AUTHORIZATION, HeaderValue::from_static("Bearer custom"));
    svc.clone().oneshot(custom).await.unwrap();
    let mut omitted = req(None);
    let mut omit = OmitHeaders::new();
    omit.insert(AUTHORIZATION);
    omitted.extensions_mut().insert(omit);
    svc.oneshot(omitted).await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![Some("Bearer custom".to_owned()), None]
    );
}

#[tokio::test]
async fn provider_is_asked_before_every_call() {
    let (seen, svc) = recorder();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let creds = Credentials::new().api_key_provider(move || -> CredentialFuture {
        let n = c.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { Ok(Credential::bearer(if n == 0 { "first" } else { "second" })?) })
    });
    let svc = AuthLayer::new(creds).layer(svc);
    svc.clone().oneshot(req(None)).await.unwrap();
    svc.oneshot(req(None)).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            Some("Bearer first".to_owned()),
            Some("Bearer second".to_owned())
        ]
    );
}

#[test]
fn debug_never_shows_keys() {
    let creds = both();
    let text = format!("{creds:?} {:?}", Credential::bearer("sk-secret").unwrap());
    assert!(
        !text.contains("My API Key") && !text.contains("sk-secret"),
        "{text}"
    );
}

#[tokio::test]
async fn in_the_stack_a_default_header_named_like_the_credential_wins() {
    for (defaults, expected) in [
        (vec![("x-other", "1")], "Bearer My API Key"),
        (vec![("authorization", "Bearer default")], "Bearer default"),
    ] {
        let (seen, svc) = recorder();
        let mut headers = http::HeaderMap::new();
        for (name, value) in defaults {
            headers.insert(name, http::HeaderValue::from_static(value));
        }
        let stack = crate::Stack::new()
            .http_service(svc)
            .default_headers(headers)
            .credentials(both())
            .build()
            .unwrap();
        stack.oneshot(req(None)).await.unwrap();
        assert_eq!(*seen.lock().unwrap(), [Some(expected.to_owned())]);
    }
}

#[tokio::test]
async fn a_caller_header_named_like_a_custom_credential_wins() {
    let (seen, svc) = recorder_of(crate::headers::API_KEY);
    let credentials = Credentials::new()
        .api_key(Credential::header(crate::headers::API_KEY, "from-client").unwrap());
    let mut layered = AuthLayer::new(credentials).layer(svc);
    let mut own = req(None);
    own.headers_mut().insert(
        crate::headers::API_KEY,
        http::HeaderValue::from_static("from-caller"),
    );
    layered.ready().await.unwrap().call(own).await.unwrap();
    layered
        .ready()
        .await
        .unwrap()
        .call(req(None))
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            Some("from-caller".to_owned()),
            Some("from-client".to_owned())
        ]
    );
}
