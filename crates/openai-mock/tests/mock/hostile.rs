//! The hostile catalog at the HTTP level: what each case puts on the wire, read with a
//! bare hyper client on a paused clock.

use std::time::Duration;

use http::Method;
use http_body_util::BodyExt;
use openai_mock::hostile::{DEFAULT_DRIP_DELAY, DEFAULT_KEEP_ALIVE_INTERVAL};
use openai_mock::{Hostile, Mock, MockServer};
use serde_json::json;
use tokio::time::Instant;

use crate::support::{client, frames, send};

async fn start(case: Hostile) -> MockServer {
    let server = MockServer::start().await;
    server.enqueue(case);
    server
}

#[tokio::test(start_paused = true)]
async fn cut_mid_data_line_ends_in_a_body_error_inside_a_line() {
    let server = start(Hostile::cut_mid_data_line()).await;
    let response = send(&client(), &server, Method::POST, "/chat/completions", None).await;
    let (frames, failed) = frames(response.into_body()).await;
    assert!(failed, "the body must end in an error, not cleanly");
    let body: Vec<u8> = frames.concat();
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.matches("\n\n").count(), 2, "{text}");
    let last_line = text.rsplit("\n\n").next().unwrap();
    assert!(last_line.starts_with("data: {"), "{last_line}");
    assert!(!last_line.contains('\n'), "{last_line}");
}

#[tokio::test(start_paused = true)]
async fn stall_after_headers_sends_the_head_and_nothing_else() {
    let server = start(Hostile::stall_after_headers()).await;
    let response = send(&client(), &server, Method::POST, "/chat/completions", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/event-stream; charset=utf-8"
    );
    let mut body = response.into_body();
    let next = tokio::time::timeout(Duration::from_secs(3600), body.frame()).await;
    assert!(next.is_err(), "no body byte may ever come: {next:?}");
}

#[tokio::test(start_paused = true)]
async fn keep_alive_only_sends_comments_at_the_interval() {
    let server = start(Hostile::keep_alive_only(DEFAULT_KEEP_ALIVE_INTERVAL)).await;
    let response = send(&client(), &server, Method::POST, "/chat/completions", None).await;
    let mut body = response.into_body();
    let started = Instant::now();
    for _ in 0..5 {
        let frame = body.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(frame, ": ping\n\n");
    }
    // The first comment comes at once, then one a second.
    assert_eq!(started.elapsed().as_secs(), 4);
}

#[tokio::test(start_paused = true)]
async fn open_after_done_never_ends_the_body() {
    let server = start(Hostile::open_after_done()).await;
    let response = send(&client(), &server, Method::POST, "/chat/completions", None).await;
    let mut body = response.into_body();
    let mut seen = Vec::new();
    while !seen.ends_with(b"data: [DONE]\n\n") {
        let frame = body.frame().await.unwrap().unwrap().into_data().unwrap();
        seen.extend_from_slice(&frame);
    }
    let next = tokio::time::timeout(Duration::from_secs(3600), body.frame()).await;
    assert!(next.is_err(), "the body must stay open: {next:?}");
}

#[tokio::test]
async fn huge_bodies_have_the_asked_size_and_stay_valid() {
    let size = 3 * 1024 * 1024 + 7;
    let server = start(Hostile::huge_body(size)).await;
    let response = send(&client(), &server, Method::POST, "/chat/completions", None).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), size);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["padding"].as_str().unwrap().len(), size - 14);

    server.enqueue(Hostile::huge_error_page(size));
    let response = send(&client(), &server, Method::GET, "/models", None).await;
    assert_eq!(response.status(), 502);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), size);
    assert!(body.starts_with(b"<html><head><title>502 Bad Gateway</title>"));
    assert!(body.ends_with(b"</html>"));

    server.enqueue(Hostile::huge_event(size));
    let response = send(&client(), &server, Method::POST, "/chat/completions", None).await;
    assert_eq!(
        response.headers()["content-type"],
        "text/event-stream; charset=utf-8"
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), size);
    assert!(body.starts_with(b"data: {\"padding\":\"xxx"));
    assert!(body.ends_with(b"\"}\n\ndata: [DONE]\n\n"));
}

#[tokio::test]
async fn html_and_invalid_utf8_bodies_are_what_they_say() {
    let server = start(Hostile::html_error_page()).await;
    let response = send(&client(), &server, Method::GET, "/models", None).await;
    assert_eq!(response.status(), 502);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("<h1>502 Bad Gateway</h1>"));

    for case in [Hostile::invalid_utf8_json(), Hostile::invalid_utf8_event()] {
        server.enqueue(case.mock());
        let response = send(&client(), &server, Method::POST, "/chat/completions", None).await;
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let error = std::str::from_utf8(&body).expect_err(case.name());
        assert_eq!(
            &body[error.valid_up_to()..][..2],
            b"\xff\xfe",
            "{}",
            case.name()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn dripping_sends_one_byte_per_frame_at_the_delay() {
    let whole = {
        let server = start(Hostile::json_as_text_plain()).await;
        let response = send(&client(), &server, Method::POST, "/chat/completions", None).await;
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; charset=utf-8"
        );
        response.into_body().collect().await.unwrap().to_bytes()
    };
    let server = start(Hostile::dripping_json(DEFAULT_DRIP_DELAY)).await;
    let started = Instant::now();
    let response = send(&client(), &server, Method::POST, "/chat/completions", None).await;
    let (frames, failed) = frames(response.into_body()).await;
    assert!(!failed);
    assert!(frames.iter().all(|f| f.len() == 1));
    // The same body as undripped, but for the request number in the id.
    assert_eq!(frames.len(), whole.len());
    assert_eq!(
        started.elapsed(),
        DEFAULT_DRIP_DELAY * (frames.len() as u32 - 1)
    );
}

#[tokio::test(start_paused = true)]
async fn drip_and_keep_open_apply_to_any_mock() {
    let server = MockServer::start().await;
    server.enqueue(
        Mock::ok(json!({"a": 1}))
            .drip(Duration::from_secs(1))
            .keep_open(),
    );
    let response = send(&client(), &server, Method::GET, "/models", None).await;
    let mut body = response.into_body();
    let mut bytes = Vec::new();
    for _ in 0..7 {
        bytes.extend_from_slice(&body.frame().await.unwrap().unwrap().into_data().unwrap());
    }
    assert_eq!(bytes, b"{\"a\":1}");
    let next = tokio::time::timeout(Duration::from_secs(600), body.frame()).await;
    assert!(next.is_err(), "kept open: {next:?}");
}

#[tokio::test(start_paused = true)]
async fn every_case_of_the_catalog_plays() {
    let http = client();
    for case in Hostile::all() {
        // The huge cases move megabytes, which a paused clock may jump across while
        // the kernel moves them: `huge_bodies_have_the_asked_size_and_stay_valid`
        // plays them on a real clock.
        if case.name().starts_with("huge_") {
            continue;
        }
        let server = MockServer::start().await;
        server.set_default(case.mock());
        let request = crate::support::request(&server, Method::POST, "/chat/completions", None);
        let outcome = tokio::time::timeout(Duration::from_secs(60), async {
            let response = http.request(request).await?;
            let status = response.status();
            let body = response.into_body().collect().await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((status, body.to_bytes()))
        })
        .await;
        assert_eq!(server.requests().len(), 1, "{}", case.name());
        match case.name() {
            "stall_before_headers"
            | "stall_after_headers"
            | "keep_alive_only"
            | "open_after_done" => assert!(outcome.is_err(), "{}: {outcome:?}", case.name()),
            "cut_mid_data_line" | "cut_between_events" => {
                assert!(
                    matches!(outcome, Ok(Err(_))),
                    "{}: {outcome:?}",
                    case.name()
                );
            }
            _ => {
                let (status, body) = outcome.unwrap().unwrap();
                assert!(!body.is_empty(), "{}", case.name());
                let expected = if case.name().ends_with("error_page") {
                    502
                } else {
                    200
                };
                assert_eq!(status, expected, "{}", case.name());
            }
        }
    }
}
