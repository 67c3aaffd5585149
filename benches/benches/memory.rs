//! Memory is flat in stream length: not a timed benchmark but a check. Reads
//! streams of 20,000 and 200,000 chat chunks (one and 64 events per body
//! frame) with the SDK and with the floor, and prints the peak RSS growth of
//! each (Linux: `VmHWM` after resetting it through `/proc/self/clear_refs`,
//! minus `VmRSS` before), after one warm-up stream of each kind. The process
//! holds the mock server too, whose memory is flat by design. Fails when a
//! 200,000-event stream grows the peak by more than [`SLACK_KIB`] beyond a
//! 20,000-event one: a client that kept anything per event would need
//! megabytes more.
//!
//! The chat stream helper (`.stream()`, with `final_completion()`) is
//! measured the same way; it keeps the accumulated text (2 bytes per event
//! here), so its allowance adds [`TEXT_COPIES`] times the extra text.
//!
//! A Realtime WebSocket connection of audio deltas is measured the same way:
//! 10,000 and 100,000 events, SDK and floor (tokio-tungstenite and
//! serde_json).

use std::fs;

use openai_benches::setup::{Bench, Target};
use openai_mock::Mock;

/// Events per stream: a short one and one ten times longer.
const LENGTHS: [usize; 2] = [20_000, 200_000];

const PER_READ: [usize; 2] = [1, 64];

/// Events per WebSocket connection: a short one and one of 100,000.
const WS_LENGTHS: [usize; 2] = [10_000, 100_000];

/// Streams read per length and kind; the smallest growth counts. A client
/// that kept memory per event would grow on every run, while buffers and
/// allocator arenas that settle now and then grow on one run at most.
const RUNS: usize = 2;

/// Allowed extra peak growth of the long stream over the short one, in KiB.
const SLACK_KIB: u64 = 2048;

/// Bytes of content per event of `Mock::chat_stream_repeat` (`"hi"`).
const TEXT_PER_EVENT: u64 = 2;

/// Copies of the accumulated text the helper may hold at its peak: the
/// snapshot's string while it doubles (old and new buffer, the new one up
/// to twice the text) and the final completion's clone.
const TEXT_COPIES: u64 = 4;

fn main() {
    let bench = Bench::new();
    // Warm up with one long stream of each kind: the first streams touch
    // fresh pages (hyper's read buffer grows with the reads, each worker
    // thread's allocator arena fills) once, whatever their length.
    for per_read in PER_READ {
        bench.answer_with(Mock::chat_stream_repeat(LENGTHS[1], per_read));
        for target in Target::ALL {
            let clients = bench.clients.clone();
            bench.run(async move { clients.stream(target).await });
        }
        let clients = bench.clients.clone();
        bench.run(async move { clients.stream_helper().await });
    }
    for target in Target::ALL {
        ws_peak_growth(&bench, target, WS_LENGTHS[1]);
    }
    let resettable = reset_peak();
    println!(
        "memory: peak RSS growth per stream ({})",
        if resettable {
            "VmHWM reset before each stream"
        } else {
            "VmHWM cannot be reset here: growth is over the process peak so far"
        }
    );
    let start = status_kib("VmRSS:");
    let mut failed = false;
    for per_read in PER_READ {
        for target in Target::ALL {
            let mut growth = [0; LENGTHS.len()];
            for (i, events) in LENGTHS.into_iter().enumerate() {
                bench.answer_with(Mock::chat_stream_repeat(events, per_read));
                let runs: Vec<(u64, u64)> = (0..RUNS)
                    .map(|_| peak_growth(&bench, target, events))
                    .collect();
                growth[i] = runs.iter().map(|r| r.1).min().unwrap_or(0);
                let runs: Vec<String> = runs
                    .iter()
                    .map(|(before, growth)| format!("{growth} KiB over {before} KiB"))
                    .collect();
                println!(
                    "memory/{}/per_read={per_read}/events={events}: peak growth {} KiB (runs: {})",
                    target.name(),
                    growth[i],
                    runs.join(", "),
                );
            }
            if growth[1] > growth[0] + SLACK_KIB {
                println!("  FAIL: the peak grows with the stream's length");
                failed = true;
            }
        }
    }
    for per_read in PER_READ {
        let mut growth = [0; LENGTHS.len()];
        for (i, events) in LENGTHS.into_iter().enumerate() {
            bench.answer_with(Mock::chat_stream_repeat(events, per_read));
            let runs: Vec<(u64, u64)> = (0..RUNS)
                .map(|_| helper_peak_growth(&bench, events))
                .collect();
            growth[i] = runs.iter().map(|r| r.1).min().unwrap_or(0);
            println!(
                "memory/sdk-helper/per_read={per_read}/events={events}: peak growth {} KiB (text {} KiB)",
                growth[i],
                events as u64 * TEXT_PER_EVENT / 1024,
            );
        }
        let extra_text_kib = (LENGTHS[1] - LENGTHS[0]) as u64 * TEXT_PER_EVENT / 1024;
        let allowed = growth[0] + SLACK_KIB + TEXT_COPIES * extra_text_kib;
        println!(
            "  the long stream may grow up to {allowed} KiB (short + slack + {TEXT_COPIES} x {extra_text_kib} KiB of extra text)"
        );
        if growth[1] > allowed {
            println!("  FAIL: the helper's peak grows faster than its text");
            failed = true;
        }
    }
    // A Realtime WebSocket connection of audio deltas (issue 14: memory
    // flat over 100,000 events), SDK and floor alike.
    for target in Target::ALL {
        let mut growth = [0; WS_LENGTHS.len()];
        for (i, events) in WS_LENGTHS.into_iter().enumerate() {
            let runs: Vec<(u64, u64)> = (0..RUNS)
                .map(|_| ws_peak_growth(&bench, target, events))
                .collect();
            growth[i] = runs.iter().map(|r| r.1).min().unwrap_or(0);
            println!(
                "memory/websocket/{}/events={events}: peak growth {} KiB",
                target.name(),
                growth[i],
            );
        }
        if growth[1] > growth[0] + SLACK_KIB {
            println!("  FAIL: the peak grows with the connection's length");
            failed = true;
        }
    }
    println!(
        "memory: RSS {start} KiB after warm-up, {} KiB at the end",
        status_kib("VmRSS:")
    );
    if failed {
        std::process::exit(1);
    }
}

/// Reads one stream of `events` chunks; returns the RSS before it and the
/// growth of the peak RSS during it, in KiB.
fn peak_growth(bench: &Bench, target: Target, events: usize) -> (u64, u64) {
    let clients = bench.clients.clone();
    growth(bench, events, async move { clients.stream(target).await })
}

/// As [`peak_growth`], through the chat stream helper.
fn helper_peak_growth(bench: &Bench, events: usize) -> (u64, u64) {
    let clients = bench.clients.clone();
    growth(bench, events, async move { clients.stream_helper().await })
}

/// Reads one WebSocket connection of `events` audio deltas; as
/// [`peak_growth`].
fn ws_peak_growth(bench: &Bench, target: Target, events: usize) -> (u64, u64) {
    bench.answer_ws(openai_benches::setup::audio_delta(), events);
    let clients = bench.clients.clone();
    growth(
        bench,
        events,
        async move { clients.websocket(target).await },
    )
}

/// Runs `read`, which must read `events` events; returns the RSS before it
/// and the growth of the peak RSS during it, in KiB.
fn growth<F>(bench: &Bench, events: usize, read: F) -> (u64, u64)
where
    F: Future<Output = usize> + Send + 'static,
{
    reset_peak();
    let before = status_kib("VmRSS:");
    assert_eq!(bench.run(read), events);
    (before, status_kib("VmHWM:").saturating_sub(before))
}

/// Resets the peak RSS (`VmHWM`) to the current RSS; `false` when the kernel
/// does not allow it.
fn reset_peak() -> bool {
    fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A `kB` field of `/proc/self/status`, 0 when missing.
fn status_kib(field: &str) -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
