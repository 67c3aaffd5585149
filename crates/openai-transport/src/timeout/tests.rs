use super::*;
use crate::{Body, ResponseBody};
use bytes::Bytes;
use http_body_util::BodyExt;
use std::convert::Infallible;
use tower::ServiceExt;

fn req(mode: ResponseMode, timeout: Option<Duration>) -> HttpRequest {
    let mut r = http::Request::get("http://x/").body(Body::empty()).unwrap();
    r.extensions_mut().insert(mode);
    r.extensions_mut().insert(AttemptTimeout(timeout));
    r
}

/// A body that yields `chunks` with `gap` between them.
fn slow_body(chunks: usize, gap: Duration) -> ResponseBody {
    let stream = futures_stream(chunks, gap);
    ResponseBody::new(http_body_util::StreamBody::new(stream))
}

fn futures_stream(
    chunks: usize,
    gap: Duration,
) -> impl futures_util::Stream<Item = Result<http_body::Frame<Bytes>, Infallible>> {
    futures_util::stream::unfold(0, move |i| async move {
        if i == chunks {
            return None;
        }
        tokio::time::sleep(gap).await;
        Some((Ok(http_body::Frame::data(Bytes::from_static(b"x"))), i + 1))
    })
}

fn service(
    head_delay: Duration,
    status: u16,
    chunks: usize,
    gap: Duration,
) -> impl Service<HttpRequest, Response = HttpResponse, Error = BoxError, Future = impl Send> + Clone
{
    tower::service_fn(move |req: HttpRequest| async move {
        tokio::time::sleep(head_delay).await;
        let header = req.headers().get(X_STAINLESS_READ_TIMEOUT).cloned();
        let mut resp = http::Response::builder().status(status);
        if let Some(h) = header {
            resp = resp.header("echo-read-timeout", h);
        }
        Ok::<_, BoxError>(resp.body(slow_body(chunks, gap)).unwrap())
    })
}

fn is_elapsed(e: &BoxError) -> bool {
    crate::error::find_source::<Elapsed>(&**e).is_some()
}

#[tokio::test(start_paused = true)]
async fn head_deadline_fires() {
    let svc =
        TimeoutLayer::default().layer(service(Duration::from_secs(30), 200, 0, Duration::ZERO));
    let err = svc
        .oneshot(req(ResponseMode::Buffered, Some(Duration::from_secs(10))))
        .await
        .unwrap_err();
    assert!(is_elapsed(&err));
}

#[tokio::test(start_paused = true)]
async fn buffered_body_counts_against_the_deadline() {
    // 5 chunks 3 s apart: 15 s of body under a 10 s deadline.
    let svc =
        TimeoutLayer::default().layer(service(Duration::ZERO, 200, 5, Duration::from_secs(3)));
    let err = svc
        .clone()
        .oneshot(req(ResponseMode::Buffered, Some(Duration::from_secs(10))))
        .await
        .unwrap_err();
    assert!(is_elapsed(&err));
    let ok = svc
        .oneshot(req(ResponseMode::Buffered, Some(Duration::from_secs(20))))
        .await
        .unwrap();
    assert_eq!(ok.body().as_bytes(), Some(&b"xxxxx"[..]));
}

#[tokio::test(start_paused = true)]
async fn streaming_body_uses_an_idle_timeout() {
    // 10 chunks 3 s apart (30 s in all) pass a 5 s idle timeout.
    let svc =
        TimeoutLayer::default().layer(service(Duration::ZERO, 200, 10, Duration::from_secs(3)));
    let resp = svc
        .clone()
        .oneshot(req(ResponseMode::Streaming, Some(Duration::from_secs(5))))
        .await
        .unwrap();
    assert!(!resp.body().is_buffered());
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), 10);
    // A 2 s idle timeout fails on the first gap.
    let resp = svc
        .oneshot(req(ResponseMode::Streaming, Some(Duration::from_secs(2))))
        .await
        .unwrap();
    let err = resp.into_body().collect().await.unwrap_err();
    assert!(is_elapsed(&err));
}

#[tokio::test(start_paused = true)]
async fn error_responses_are_buffered_even_when_streaming() {
    let svc =
        TimeoutLayer::default().layer(service(Duration::ZERO, 500, 2, Duration::from_millis(1)));
    let resp = svc
        .oneshot(req(ResponseMode::Streaming, Some(Duration::from_secs(5))))
        .await
        .unwrap();
    assert_eq!(resp.body().as_bytes(), Some(&b"xx"[..]));
}

#[tokio::test(start_paused = true)]
async fn body_size_is_capped() {
    let svc = TimeoutLayer::default().max_body_size(3).layer(service(
        Duration::ZERO,
        200,
        5,
        Duration::from_millis(1),
    ));
    let err = svc
        .oneshot(req(ResponseMode::Buffered, None))
        .await
        .unwrap_err();
    assert_eq!(
        crate::error::find_source::<crate::error::BodyTooLarge>(&*err)
            .unwrap()
            .limit(),
        3
    );
}

#[tokio::test(start_paused = true)]
async fn an_error_body_past_the_cap_is_cut_not_failed() {
    let svc = TimeoutLayer::default().max_body_size(3).layer(service(
        Duration::ZERO,
        502,
        5,
        Duration::from_millis(1),
    ));
    for mode in [ResponseMode::Buffered, ResponseMode::Streaming] {
        let resp = svc.clone().oneshot(req(mode, None)).await.unwrap();
        assert_eq!(resp.status(), 502);
        assert_eq!(resp.body().as_bytes(), Some(&b"xxx"[..]), "{mode:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_streamed_success_carries_the_size_cap() {
    let svc = TimeoutLayer::default().max_body_size(3).layer(service(
        Duration::ZERO,
        200,
        5,
        Duration::from_millis(1),
    ));
    let resp = svc
        .oneshot(req(ResponseMode::Streaming, None))
        .await
        .unwrap();
    assert_eq!(
        resp.extensions().get::<MaxBodySize>(),
        Some(&MaxBodySize(3))
    );
    // The body itself is the caller's to bound: all of it comes through.
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), 5);
}

/// Also covers tests-to-match.md case 2.1.
#[tokio::test(start_paused = true)]
async fn case_2_5_read_timeout_header() {
    let svc = TimeoutLayer::default().layer(service(Duration::ZERO, 200, 0, Duration::ZERO));
    let resp = svc
        .clone()
        .oneshot(req(ResponseMode::Buffered, Some(Duration::from_secs(600))))
        .await
        .unwrap();
    assert_eq!(resp.headers()["echo-read-timeout"], "600");
    let resp = svc
        .clone()
        .oneshot(req(
            ResponseMode::Buffered,
            Some(Duration::from_millis(12_500)),
        ))
        .await
        .unwrap();
    assert_eq!(resp.headers()["echo-read-timeout"], "12.5");
    let resp = svc
        .oneshot(req(ResponseMode::Buffered, None))
        .await
        .unwrap();
    assert!(!resp.headers().contains_key("echo-read-timeout"));
}

#[test]
fn seconds_format() {
    assert_eq!(format_seconds(Duration::from_secs(20)), "20");
    assert_eq!(format_seconds(Duration::from_millis(250)), "0.25");
    assert_eq!(format_seconds(Duration::from_millis(7000)), "7");
}
