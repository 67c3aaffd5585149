//! Runs one client's work in a loop against the in-process mock, for profilers.
//!
//! ```text
//! cargo build --release -p openai-benches --example drive
//! target/release/examples/drive <sdk|floor> <chat|sse|embeddings|text-ws|audio-ws> <count>
//! ```
//!
//! `chat` makes `count` chat completions one after the other; `sse` reads
//! `count` streams of 10,000 chunk events, one event per read; `embeddings`
//! makes `count` embeddings calls of 100 x 1,536 (the built-in model answers); `text-ws` and
//! `audio-ws` read `count` Realtime connections of 10,000 text or audio delta events. The clients are
//! those of the `ratio` benchmark (the SDK with its defaults, and the raw floor).
//!
//! Instructions per operation, free of the machine's noise: run it under
//! `valgrind --tool=callgrind --separate-threads=yes` with two counts, add up
//! the `summary:` lines of the `bench-client` threads' output files (the
//! threads after the main and the server thread), and divide the difference
//! by the difference in operations. `perf record` works on it as well.

use std::process::ExitCode;

use openai_benches::setup::{Bench, Target};
use openai_mock::Mock;

/// Events per stream.
const EVENTS: usize = 10_000;

const USAGE: &str = "usage: drive <sdk|floor> <chat|sse|embeddings|text-ws|audio-ws> <count>";

#[derive(Clone, Copy)]
enum Work {
    Chat,
    Sse,
    Embeddings,
    /// Realtime connections of text (`false`) or audio (`true`) deltas.
    WebSocket(bool),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, work, count] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let target = match target.as_str() {
        "sdk" => Target::Sdk,
        "floor" => Target::Floor,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let work = match work.as_str() {
        "chat" => Work::Chat,
        "sse" => Work::Sse,
        "embeddings" => Work::Embeddings,
        "text-ws" => Work::WebSocket(false),
        "audio-ws" => Work::WebSocket(true),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let bench = Bench::new();
    match work {
        Work::Chat => bench.answer_with(Mock::chat_completion("Hello from the mock")),
        Work::Sse => bench.answer_with(Mock::chat_stream_repeat(EVENTS, 1)),
        Work::Embeddings => bench.answer_with_model(),
        // Queued up front: one script per connection.
        Work::WebSocket(audio) => {
            let event = if audio {
                openai_benches::setup::audio_delta()
            } else {
                openai_benches::setup::text_delta()
            };
            for _ in 0..count {
                bench.answer_ws(event.clone(), EVENTS);
            }
        }
    }
    let clients = bench.clients.clone();
    bench.run(async move {
        for _ in 0..count {
            match work {
                Work::Chat => clients.chat(target).await,
                Work::Sse => assert_eq!(clients.stream(target).await, EVENTS),
                Work::Embeddings => {
                    assert!(clients.embeddings(target).await > 0);
                }
                Work::WebSocket(_) => assert_eq!(clients.websocket(target).await, EVENTS),
            }
        }
    });
    ExitCode::SUCCESS
}
