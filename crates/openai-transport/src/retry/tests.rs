use super::*;
use crate::headers::{OmitHeaders, X_STAINLESS_RETRY_COUNT};
use crate::time::FixedClock;
use crate::timeout::Elapsed;
use crate::{Body, ResponseBody};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;
use tower::ServiceExt;

/// What the scripted service answers, in order; the last entry repeats.
#[derive(Clone)]
enum Step {
    Status(u16, &'static [(&'static str, &'static str)], &'static str),
    Fail(fn() -> BoxError),
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Seen>>>);

/// When an attempt arrived and the retry count it carried.
type Seen = (Instant, Option<String>);

fn scripted(
    steps: Vec<Step>,
    log: Log,
) -> impl Service<HttpRequest, Response = HttpResponse, Error = BoxError, Future = impl Send> + Clone
{
    let steps = Arc::new(steps);
    tower::service_fn(move |req: HttpRequest| {
        let mut seen = log.0.lock().unwrap();
        let count = req
            .headers()
            .get(X_STAINLESS_RETRY_COUNT)
            .map(|v| v.to_str().unwrap().to_owned());
        seen.push((Instant::now(), count));
        let step = steps[(seen.len() - 1).min(steps.len() - 1)].clone();
        async move {
            match step {
                Step::Fail(make) => Err(make()),
                Step::Status(code, headers, body) => {
                    let mut b = http::Response::builder().status(code);
                    for (k, v) in headers {
                        b = b.header(*k, *v);
                    }
                    Ok(b.body(ResponseBody::full(body)).unwrap())
                }
            }
        }
    })
}

fn req() -> HttpRequest {
    http::Request::post("http://x/")
        .body(Body::from("{}"))
        .unwrap()
}

const OK: Step = Step::Status(200, &[], "{}");
const E500: Step = Step::Status(500, &[], "{}");

fn clock() -> SharedTimeSource {
    SharedTimeSource::new(FixedClock(
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_696_004_797),
    ))
}

#[tokio::test(start_paused = true)]
async fn retries_5xx_then_succeeds_with_counts() {
    let log = Log::default();
    let svc = RetryLayer::new(4).layer(scripted(vec![E500, E500, OK], log.clone()));
    let resp = svc.oneshot(req()).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.extensions().get::<RetriesTaken>(),
        Some(&RetriesTaken(2))
    );
    let seen = log.0.lock().unwrap();
    let counts: Vec<_> = seen.iter().map(|(_, c)| c.clone()).collect();
    // The first attempt's `0` is the stack's default header, not this layer's.
    assert_eq!(counts, [None, Some("1".to_owned()), Some("2".to_owned())]);
    // Backoff: (0.375, 0.5] then (0.75, 1.0].
    let gap1 = seen[1].0 - seen[0].0;
    let gap2 = seen[2].0 - seen[1].0;
    assert!(
        gap1 > Duration::from_millis(370) && gap1 <= Duration::from_millis(500),
        "{gap1:?}"
    );
    assert!(
        gap2 > Duration::from_millis(740) && gap2 <= Duration::from_millis(1000),
        "{gap2:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn gives_up_after_max_retries_and_returns_the_last_response() {
    let log = Log::default();
    let svc = RetryLayer::new(2).layer(scripted(vec![E500], log.clone()));
    let resp = svc.oneshot(req()).await.unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(
        resp.extensions().get::<RetriesTaken>(),
        Some(&RetriesTaken(2))
    );
    assert_eq!(log.0.lock().unwrap().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn per_request_max_retries_wins() {
    let log = Log::default();
    let svc = RetryLayer::new(2).layer(scripted(vec![E500], log.clone()));
    let mut r = req();
    r.extensions_mut().insert(MaxRetries(0));
    svc.oneshot(r).await.unwrap();
    assert_eq!(log.0.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn honours_retry_after_ms_exactly() {
    let log = Log::default();
    let e = Step::Status(429, &[("retry-after-ms", "1500")], "{}");
    let svc = RetryLayer::new(2).layer(scripted(vec![e, OK], log.clone()));
    svc.oneshot(req()).await.unwrap();
    let seen = log.0.lock().unwrap();
    assert_eq!(seen[1].0 - seen[0].0, Duration::from_millis(1500));
}

#[tokio::test(start_paused = true)]
async fn honours_http_date_retry_after() {
    let log = Log::default();
    let e = Step::Status(
        503,
        &[("retry-after", "Fri, 29 Sep 2023 16:26:57 GMT")],
        "{}",
    );
    let svc = RetryLayer::new(2)
        .time_source(clock())
        .layer(scripted(vec![e, OK], log.clone()));
    svc.oneshot(req()).await.unwrap();
    let seen = log.0.lock().unwrap();
    assert_eq!(seen[1].0 - seen[0].0, Duration::from_secs(20));
}

#[tokio::test(start_paused = true)]
async fn over_cap_retry_after_is_not_retried() {
    let log = Log::default();
    let e = Step::Status(429, &[("retry-after", "121")], r#"{"error":{}}"#);
    let svc = RetryLayer::new(2).layer(scripted(vec![e, OK], log.clone()));
    let resp = svc.oneshot(req()).await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(log.0.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn x_should_retry_overrides_status() {
    let log = Log::default();
    let no = Step::Status(500, &[("x-should-retry", "false")], "{}");
    let svc = RetryLayer::new(2).layer(scripted(vec![no, OK], log.clone()));
    assert_eq!(svc.oneshot(req()).await.unwrap().status(), 500);
    let log2 = Log::default();
    let yes = Step::Status(400, &[("x-should-retry", "true")], "{}");
    let svc = RetryLayer::new(2).layer(scripted(vec![yes, OK], log2.clone()));
    assert_eq!(svc.oneshot(req()).await.unwrap().status(), 200);
    assert_eq!(log.0.lock().unwrap().len(), 1);
    assert_eq!(log2.0.lock().unwrap().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn connection_errors_and_timeouts_are_retried_permanent_errors_are_not() {
    let log = Log::default();
    let svc = RetryLayer::new(2).layer(scripted(
        vec![
            Step::Fail(|| "connection reset".into()),
            Step::Fail(|| Elapsed::new().into()),
            OK,
        ],
        log.clone(),
    ));
    assert_eq!(svc.oneshot(req()).await.unwrap().status(), 200);
    assert_eq!(log.0.lock().unwrap().len(), 3);

    let log = Log::default();
    let svc = RetryLayer::new(2).layer(scripted(
        vec![
            Step::Fail(|| crate::error::Permanent::new("no key").into()),
            OK,
        ],
        log.clone(),
    ));
    assert!(svc.oneshot(req()).await.is_err());
    assert_eq!(log.0.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn classifier_can_veto() {
    let log = Log::default();
    let quota = Step::Status(429, &[], r#"{"error":{"code":"insufficient_quota"}}"#);
    let classifier =
        SharedClassifier::new(|_s: http::StatusCode, _h: &http::HeaderMap, body: &[u8]| {
            if body.windows(18).any(|w| w == b"insufficient_quota") {
                RetryAction::Forbid
            } else {
                RetryAction::NoOpinion
            }
        });
    let svc = RetryLayer::new(2)
        .classifier(classifier)
        .layer(scripted(vec![quota, OK], log.clone()));
    assert_eq!(svc.oneshot(req()).await.unwrap().status(), 429);
    assert_eq!(log.0.lock().unwrap().len(), 1);
}

/// Also covers tests-to-match.md case 4.4.
#[tokio::test(start_paused = true)]
async fn case_4_3_caller_retry_count_header_is_kept_or_omitted() {
    let log = Log::default();
    let svc = RetryLayer::new(2).layer(scripted(vec![E500, OK], log.clone()));
    let mut r = req();
    r.headers_mut()
        .insert(X_STAINLESS_RETRY_COUNT, HeaderValue::from_static("42"));
    svc.oneshot(r).await.unwrap();
    let omitted = Log::default();
    let svc = RetryLayer::new(2).layer(scripted(vec![E500, OK], omitted.clone()));
    let mut r = req();
    let mut omit = OmitHeaders::new();
    omit.insert(X_STAINLESS_RETRY_COUNT);
    r.extensions_mut().insert(omit);
    svc.oneshot(r).await.unwrap();
    let counts: Vec<_> = log
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, c)| c.clone())
        .collect();
    assert_eq!(counts, [Some("42".to_owned()), Some("42".to_owned())]);
    let counts: Vec<_> = omitted
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, c)| c.clone())
        .collect();
    assert_eq!(counts, [None, None]);
}

#[tokio::test(start_paused = true)]
async fn success_is_never_retried_even_with_should_retry() {
    let log = Log::default();
    let ok = Step::Status(200, &[("x-should-retry", "true")], "{}");
    let svc = RetryLayer::new(2).layer(scripted(vec![ok], log.clone()));
    svc.oneshot(req()).await.unwrap();
    assert_eq!(log.0.lock().unwrap().len(), 1);
}
