//! Runs one client's work in a loop against the in-process mock, for profilers.
//!
//! ```text
//! cargo build --release -p openai-benches --example drive
//! target/release/examples/drive <sdk|floor> <chat|sse> <count>
//! ```
//!
//! `chat` makes `count` chat completions one after the other; `sse` reads
//! `count` streams of 10,000 chunk events, one event per read. The clients are
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

const USAGE: &str = "usage: drive <sdk|floor> <chat|sse> <count>";

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
    let stream = match work.as_str() {
        "chat" => false,
        "sse" => true,
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
    bench.answer_with(if stream {
        Mock::chat_stream_repeat(EVENTS, 1)
    } else {
        Mock::chat_completion("Hello from the mock")
    });
    let clients = bench.clients.clone();
    bench.run(async move {
        for _ in 0..count {
            if stream {
                assert_eq!(clients.stream(target).await, EVENTS);
            } else {
                clients.chat(target).await;
            }
        }
    });
    ExitCode::SUCCESS
}
