//! The hostile-server suite of issue 13: every case of `openai_mock::Hostile`
//! against a plain JSON call (chat completions create), a streaming call
//! (chat completions create_stream) and the chat stream helper (stream, then
//! final_content). Each ends in a value or a specific error, within the
//! configured timeout and the retries' backoff, on a paused clock.
//!
//! The hostile answer is the server's default, so every retry meets it too.
//! Reference: `reference/client.md` 3 (timeouts), 4 (retries), 5 (a body
//! that is not JSON is still an API error for its status); `streaming.md` a.3
//! (the end of the body ends a stream; bytes that are not UTF-8 fail it).

use std::future::IntoFuture;
use std::time::Duration;

use futures_util::StreamExt;
use openai_core::error::StreamErrorKind;
use openai_core::types::chat::{ChatCompletion, ChatCompletionChunk};
use openai_core::{ApiErrorKind, Client, Error};
use openai_mock::hostile::{ANSWER, DEFAULT_HUGE_SIZE};
use openai_mock::{Hostile, MockServer};
use tokio::time::Instant;

use crate::support::{builder, params};

/// The client's per-attempt timeout, which is also the streams' idle timeout.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The client's retries: three attempts in all.
const RETRIES: u32 = 2;
/// The client's largest body or event, below [`DEFAULT_HUGE_SIZE`].
const LIMIT: usize = 1024 * 1024;
/// The longest any call may take: every attempt's whole timeout, plus the
/// longest backoff before each retry (0.5 s, then 1 s).
const BOUND: Duration = Duration::from_millis(3 * 10_000 + 500 + 1_000);

fn client(server: &MockServer) -> Client {
    builder(server)
        .timeout(TIMEOUT)
        .max_retries(RETRIES)
        .max_body_size(LIMIT)
        .build()
        .expect("the test client builds")
}

/// How a call must end.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The completion (or every chunk) answering [`ANSWER`].
    Value,
    /// [`Error::Connection`]: the body was cut.
    Connection,
    /// [`Error::Timeout`].
    Timeout,
    /// [`Error::Api`]: a 502 with the HTML page as its message.
    BadGateway,
    /// [`Error::Decode`] whose message contains this text.
    Decode(&'static str),
    /// [`Error::Stream`] of kind [`StreamErrorKind::InvalidUtf8`].
    InvalidUtf8,
}

/// One case: how the JSON call ends and in how many attempts; how the
/// streaming call ends, after how many good chunks, in how many attempts.
struct Row {
    json: (Expect, usize),
    stream: (Expect, usize, usize),
}

const NOT_EVENTS: Expect = Expect::Decode("expected an event stream");
const TOO_LARGE: Expect = Expect::Decode("larger than 1048576 bytes");

/// The expected outcome of every case of the catalog, by name.
fn expected(name: &str) -> Row {
    use Expect::*;
    let (json, stream) = match name {
        "cut_mid_data_line" | "cut_between_events" => ((Connection, 3), (Connection, 2, 1)),
        "stall_before_headers" => ((Timeout, 3), (Timeout, 0, 3)),
        "stall_after_headers" | "keep_alive_only" => ((Timeout, 3), (Timeout, 0, 1)),
        // The JSON call waits for the end of a body that never ends.
        "open_after_done" => ((Timeout, 3), (Value, 5, 1)),
        "huge_body" => ((TOO_LARGE, 1), (NOT_EVENTS, 0, 1)),
        "huge_event" => ((TOO_LARGE, 1), (TOO_LARGE, 0, 1)),
        // A page past the limit is cut there: still the 502, still retried.
        "html_error_page" | "huge_error_page" => ((BadGateway, 3), (BadGateway, 0, 3)),
        "invalid_utf8_json" => ((Decode("not the expected JSON"), 1), (NOT_EVENTS, 0, 1)),
        "invalid_utf8_event" => ((Decode("not the expected JSON"), 1), (InvalidUtf8, 1, 1)),
        "json_as_text_plain" | "json_instead_of_events" | "dripping_json" => {
            ((Value, 1), (NOT_EVENTS, 0, 1))
        }
        "events_instead_of_json" => ((Decode("text/event-stream"), 1), (Value, 5, 1)),
        // About 1,300 bytes at 10 ms: past the JSON call's whole-body
        // deadline, while each event (about 2.5 s) beats the idle timeout.
        "dripping_events" => ((Timeout, 3), (Value, 5, 1)),
        other => panic!("no expected outcome for the hostile case {other}: add one"),
    };
    Row { json, stream }
}

/// Checks `err` against `expect`.
#[track_caller]
fn check_error(case: &str, err: &Error, expect: Expect) {
    match (expect, err) {
        (Expect::Connection, Error::Connection(_)) | (Expect::Timeout, Error::Timeout) => {}
        (Expect::BadGateway, Error::Api(e)) => {
            assert_eq!(e.status(), 502, "{case}");
            assert_eq!(e.kind(), ApiErrorKind::InternalServer, "{case}");
            assert!(e.message().contains("502 Bad Gateway"), "{case}: {e}");
            assert!(e.raw_body().starts_with(b"<html>"), "{case}");
            assert!(e.raw_body().len() <= LIMIT, "{case}");
            assert!(!e.is_stream_error(), "{case}");
        }
        (Expect::Decode(text), Error::Decode(e)) => {
            assert!(e.to_string().contains(text), "{case}: {e}");
        }
        (Expect::InvalidUtf8, Error::Stream(e)) => {
            assert_eq!(e.kind(), StreamErrorKind::InvalidUtf8, "{case}");
        }
        _ => panic!("{case}: expected {expect:?}, got {err:?}"),
    }
}

fn text_of(chunks: &[ChatCompletionChunk]) -> String {
    chunks
        .iter()
        .filter_map(|c| c.choices.first())
        .filter_map(|c| c.delta.content.clone().into_option())
        .collect()
}

/// Checks the time a call took: within [`BOUND`] always, and at least one
/// whole timeout per attempt when it timed out.
#[track_caller]
fn check_time(case: &str, kind: &str, elapsed: Duration, expect: Expect, attempts: usize) {
    assert!(elapsed <= BOUND, "{case} ({kind}): took {elapsed:?}");
    if matches!(expect, Expect::Timeout) {
        let floor = TIMEOUT * u32::try_from(attempts).unwrap();
        assert!(
            elapsed >= floor,
            "{case} ({kind}): timed out after {elapsed:?}"
        );
    }
}

/// Plays `case` against a chat completions create call and checks the outcome.
async fn json_call(case: &Hostile, (expect, attempts): (Expect, usize)) {
    let name = case.name();
    let server = MockServer::start().await;
    server.set_default(case.mock());
    let client = client(&server);
    let started = Instant::now();
    // A hang would show as this guard firing (the paused clock jumps to it).
    let result = tokio::time::timeout(
        BOUND + Duration::from_secs(60),
        client.chat().completions().create(params()).into_future(),
    )
    .await
    .unwrap_or_else(|_| panic!("{name} (json): the call hung"));
    let elapsed = started.elapsed();
    match (expect, result) {
        (Expect::Value, Ok(completion)) => {
            let completion: ChatCompletion = completion;
            let content = completion.choices[0].message.content.clone();
            assert_eq!(content.into_option().as_deref(), Some(ANSWER), "{name}");
        }
        (_, Ok(completion)) => panic!("{name} (json): expected {expect:?}, got {completion:?}"),
        (_, Err(err)) => check_error(name, &err, expect),
    }
    assert_eq!(server.requests().len(), attempts, "{name} (json): attempts");
    check_time(name, "json", elapsed, expect, attempts);
}

/// Plays `case` against a chat completions stream and checks the outcome.
async fn stream_call(case: &Hostile, (expect, good, attempts): (Expect, usize, usize)) {
    let name = case.name();
    let server = MockServer::start().await;
    server.set_default(case.mock());
    let client = client(&server);
    let started = Instant::now();
    let guard = BOUND + Duration::from_secs(60);
    let outcome = tokio::time::timeout(guard, async {
        let mut stream = client.chat().completions().create_stream(params()).await?;
        let mut items = Vec::new();
        while let Some(item) = stream.next().await {
            items.push(item);
        }
        Ok::<_, Error>(items)
    })
    .await
    .unwrap_or_else(|_| panic!("{name} (stream): the call hung"));
    let elapsed = started.elapsed();
    match outcome {
        Err(err) => {
            assert_eq!(good, 0, "{name} (stream): failed before any chunk: {err:?}");
            check_error(name, &err, expect);
        }
        Ok(mut items) => {
            let last = match expect {
                Expect::Value => None,
                _ => Some(items.pop().expect("the stream yields its error")),
            };
            let chunks: Vec<ChatCompletionChunk> = items
                .into_iter()
                .map(|item| item.unwrap_or_else(|e| panic!("{name} (stream): {e:?}")))
                .collect();
            assert_eq!(chunks.len(), good, "{name} (stream): good chunks");
            match last {
                None => assert_eq!(text_of(&chunks), ANSWER, "{name}"),
                Some(Ok(chunk)) => panic!("{name} (stream): expected {expect:?}, got {chunk:?}"),
                Some(Err(err)) => check_error(name, &err, expect),
            }
        }
    }
    assert_eq!(
        server.requests().len(),
        attempts,
        "{name} (stream): attempts"
    );
    check_time(name, "stream", elapsed, expect, attempts);
}

/// Plays `case` against the chat stream helper, which reads the whole
/// stream into one completion: it ends as the stream does.
async fn helper_call(case: &Hostile, (expect, _, attempts): (Expect, usize, usize)) {
    let name = case.name();
    let server = MockServer::start().await;
    server.set_default(case.mock());
    let client = client(&server);
    let started = Instant::now();
    let outcome = tokio::time::timeout(BOUND + Duration::from_secs(60), async {
        let mut stream = client.chat().completions().stream(params()).await?;
        stream.final_content().await
    })
    .await
    .unwrap_or_else(|_| panic!("{name} (helper): the call hung"));
    let elapsed = started.elapsed();
    match (expect, outcome) {
        (Expect::Value, Ok(content)) => assert_eq!(content.as_deref(), Some(ANSWER), "{name}"),
        (_, Ok(content)) => panic!("{name} (helper): expected {expect:?}, got {content:?}"),
        (_, Err(err)) => check_error(name, &err, expect),
    }
    assert_eq!(
        server.requests().len(),
        attempts,
        "{name} (helper): attempts"
    );
    check_time(name, "helper", elapsed, expect, attempts);
}

async fn play(case: Hostile) {
    let row = expected(case.name());
    json_call(&case, row.json).await;
    stream_call(&case, row.stream).await;
    helper_call(&case, row.stream).await;
}

#[tokio::test(start_paused = true)]
async fn a_stream_cut_in_the_middle_of_a_data_line() {
    play(Hostile::cut_mid_data_line()).await;
}

#[tokio::test(start_paused = true)]
async fn a_stream_cut_between_events() {
    play(Hostile::cut_between_events()).await;
}

#[tokio::test(start_paused = true)]
async fn a_server_stalled_before_its_headers() {
    play(Hostile::stall_before_headers()).await;
}

#[tokio::test(start_paused = true)]
async fn a_server_stalled_after_its_headers() {
    play(Hostile::stall_after_headers()).await;
}

#[tokio::test(start_paused = true)]
async fn keep_alive_comments_only() {
    play(Hostile::keep_alive_only(Duration::from_secs(1))).await;
}

#[tokio::test(start_paused = true)]
async fn a_stream_left_open_after_done() {
    play(Hostile::open_after_done()).await;
}

// Megabytes over a socket: a real clock, so the paused one cannot jump
// while the kernel moves them.
#[tokio::test]
async fn a_body_larger_than_the_limit() {
    play(Hostile::huge_body(DEFAULT_HUGE_SIZE)).await;
}

// Megabytes over a socket: a real clock, so the paused one cannot jump
// while the kernel moves them.
#[tokio::test]
async fn an_event_larger_than_the_limit() {
    play(Hostile::huge_event(DEFAULT_HUGE_SIZE)).await;
}

#[tokio::test(start_paused = true)]
async fn an_html_error_page_is_a_retried_api_error() {
    play(Hostile::html_error_page()).await;
}

// Megabytes over a socket: a real clock, so the paused one cannot jump
// while the kernel moves them.
#[tokio::test]
async fn an_html_error_page_larger_than_the_limit_is_cut_there() {
    play(Hostile::huge_error_page(DEFAULT_HUGE_SIZE)).await;
}

#[tokio::test(start_paused = true)]
async fn invalid_utf8_in_a_json_body() {
    play(Hostile::invalid_utf8_json()).await;
}

#[tokio::test(start_paused = true)]
async fn invalid_utf8_in_an_event() {
    play(Hostile::invalid_utf8_event()).await;
}

#[tokio::test(start_paused = true)]
async fn json_labelled_text_plain() {
    play(Hostile::json_as_text_plain()).await;
}

#[tokio::test(start_paused = true)]
async fn json_where_events_were_asked_for() {
    play(Hostile::json_instead_of_events()).await;
}

#[tokio::test(start_paused = true)]
async fn events_where_json_was_asked_for() {
    play(Hostile::events_instead_of_json()).await;
}

#[tokio::test(start_paused = true)]
async fn a_dripping_json_body() {
    play(Hostile::dripping_json(Duration::from_millis(10))).await;
}

#[tokio::test(start_paused = true)]
async fn a_dripping_event_stream() {
    play(Hostile::dripping_events(Duration::from_millis(10))).await;
}

#[tokio::test(start_paused = true)]
async fn a_drip_slower_than_the_timeouts_times_out() {
    // 100 ms a byte: the JSON body (about 500 bytes) outlasts the whole-body
    // deadline, and no event (about 250 bytes) beats the idle timeout, even
    // though bytes keep coming.
    let case = Hostile::dripping_json(Duration::from_millis(100));
    json_call(&case, (Expect::Timeout, 3)).await;
    let case = Hostile::dripping_events(Duration::from_millis(100));
    stream_call(&case, (Expect::Timeout, 0, 1)).await;
}

#[tokio::test]
async fn the_limit_stops_reading_a_body_of_a_gigabyte() {
    // Were the body read whole, this test would take many seconds and a
    // gigabyte of memory; the limit ends it after the first megabyte.
    let gigabyte = 1024 * 1024 * 1024;
    json_call(&Hostile::huge_body(gigabyte), (TOO_LARGE, 1)).await;
    stream_call(&Hostile::huge_event(gigabyte), (TOO_LARGE, 0, 1)).await;
}

/// The catalog as users loop over it: every case, with its default
/// parameters, has a row in [`expected`] (a new case fails here until it
/// gets one) and ends as the row says. The huge cases move megabytes, which
/// their own tests do on a real clock; here their rows are only checked.
#[tokio::test(start_paused = true)]
async fn every_case_of_the_catalog_in_one_loop() {
    const { assert!(DEFAULT_HUGE_SIZE > LIMIT) };
    let all = Hostile::all();
    assert_eq!(all.len(), 17);
    for case in all {
        if case.name().starts_with("huge_") {
            let _ = expected(case.name());
            continue;
        }
        play(case).await;
    }
}
