//! The targets as paired ratios: SDK and floor measured alternately, batch by
//! batch, in the same process, so that load from other processes on a shared
//! machine weighs on both alike (criterion measures one benchmark after the
//! other, and a burst of load during one skews their ratio). Not timed by
//! criterion; prints, per target, client CPU per operation of both, the ratio
//! of the sums and the median of the per-round ratios, against the target.
//! One case compares the SDK with itself: the chat `.stream()` helper against
//! the plain `create_stream` (printed as `sdk` and `floor`).
//!
//! `BENCH_CLOCK=wall` measures wall time instead of client CPU;
//! `BENCH_ONLY=embeddings` runs only the cases whose name holds that text.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use openai_benches::clock::Clock;
use openai_benches::setup::{Bench, Target};
use openai_mock::Mock;

/// Events per stream, as in the `sse` benchmark.
const EVENTS: usize = 10_000;

/// One measured configuration.
struct Case {
    name: &'static str,
    rounds: usize,
    target: f64,
    work: Work,
}

#[derive(Clone, Copy)]
enum Work {
    /// `batches` rounds of `concurrency` concurrent calls.
    Chat { concurrency: u32, batches: u32 },
    /// One stream of [`EVENTS`] events, `per_read` per body frame.
    Stream { per_read: usize },
    /// One stream of [`EVENTS`] events read through the chat `.stream()`
    /// helper, against the plain SDK `create_stream` in place of the floor.
    StreamHelper,
    /// `calls` embeddings calls of 100 x 1,536: the SDK asks for base64,
    /// the floor for JSON floats.
    Embeddings { calls: u32 },
    /// One Realtime WebSocket connection of [`EVENTS`] server events
    /// (audio deltas of 2,560 base64 bytes, or short text deltas), decoded
    /// by the SDK into its event union, by the floor (tokio-tungstenite and
    /// serde_json) into a plain struct.
    WebSocket { audio: bool },
    /// `calls` chat calls one after the other through the blocking client
    /// (from a caller thread counted as client), against the same calls of
    /// the async SDK client in place of the floor.
    BlockingChat { calls: u32 },
}

impl Work {
    /// Operations per batch: requests or events.
    fn ops(self) -> u32 {
        match self {
            Self::Chat {
                concurrency,
                batches,
            } => concurrency * batches,
            Self::Stream { .. } | Self::StreamHelper | Self::WebSocket { .. } => EVENTS as u32,
            Self::Embeddings { calls } | Self::BlockingChat { calls } => calls,
        }
    }
}

fn main() {
    let clock = Clock::from_env();
    let bench = Bench::new();
    let cases = [
        Case {
            name: "chat_create/concurrency=1",
            rounds: 60,
            target: 1.2,
            work: Work::Chat {
                concurrency: 1,
                batches: 300,
            },
        },
        Case {
            name: "chat_create/concurrency=64",
            rounds: 60,
            target: 1.2,
            work: Work::Chat {
                concurrency: 64,
                batches: 10,
            },
        },
        Case {
            name: "sse/per_read=1",
            rounds: 50,
            target: 1.4,
            work: Work::Stream { per_read: 1 },
        },
        Case {
            name: "sse/per_read=64",
            rounds: 50,
            target: 2.0,
            work: Work::Stream { per_read: 64 },
        },
        Case {
            name: "chat_stream_helper/vs_create_stream",
            rounds: 30,
            target: 1.3,
            work: Work::StreamHelper,
        },
        Case {
            name: "websocket/text_delta",
            rounds: 30,
            target: 1.3,
            work: Work::WebSocket { audio: false },
        },
        Case {
            name: "websocket/audio_delta",
            rounds: 30,
            target: 1.3,
            work: Work::WebSocket { audio: true },
        },
        Case {
            name: "blocking_chat/vs_async",
            rounds: 30,
            target: 1.3,
            // 300 calls a batch, as `chat_create` makes: the kernel brings a
            // running thread's CPU time up to date only at a tick or a
            // switch, so a batch of 20 calls (under a millisecond of CPU)
            // was mostly that error (medians of rounds from 0.65 to 4.09
            // across runs of one build).
            work: Work::BlockingChat { calls: 300 },
        },
        Case {
            name: "embeddings/100x1536",
            rounds: 20,
            target: 0.5,
            work: Work::Embeddings { calls: 5 },
        },
    ];
    println!(
        "ratio ({}): sdk/floor per operation, batches alternated",
        clock.name()
    );
    let only = std::env::var("BENCH_ONLY").ok();
    for case in cases
        .iter()
        .filter(|c| only.as_deref().is_none_or(|o| c.name.contains(o)))
    {
        match case.work {
            Work::Chat { .. } | Work::BlockingChat { .. } => {
                bench.answer_with(Mock::chat_completion("Hello from the mock"));
            }
            Work::Stream { per_read } => {
                bench.answer_with(Mock::chat_stream_repeat(EVENTS, per_read));
            }
            Work::StreamHelper => bench.answer_with(Mock::chat_stream_repeat(EVENTS, 1)),
            Work::Embeddings { .. } => bench.answer_with_model(),
            // Each connection is queued by `batch`.
            Work::WebSocket { .. } => {}
        }
        // Warm-up: connections, buffers, allocator.
        for target in Target::ALL {
            batch(&bench, clock, case.work, target);
        }
        let mut sums = [Duration::ZERO; 2];
        let mut ratios = Vec::with_capacity(case.rounds);
        for round in 0..case.rounds {
            // Alternate which goes first, so neither always follows the other.
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            let mut times = [Duration::ZERO; 2];
            for i in order {
                times[i] = batch(&bench, clock, case.work, Target::ALL[i]);
                sums[i] += times[i];
            }
            ratios.push(times[0].as_secs_f64() / times[1].as_secs_f64());
        }
        ratios.sort_by(f64::total_cmp);
        let median = ratios[ratios.len() / 2];
        let per_op = |sum: Duration| sum / (case.work.ops() * case.rounds as u32);
        let ratio = sums[0].as_secs_f64() / sums[1].as_secs_f64();
        println!(
            "{}: sdk {:?}/op, floor {:?}/op, ratio {ratio:.2} (median of rounds {median:.2}, range {:.2}..{:.2}), target <= {}: {}",
            case.name,
            per_op(sums[0]),
            per_op(sums[1]),
            ratios[0],
            ratios[ratios.len() - 1],
            case.target,
            if median <= case.target {
                "met"
            } else {
                "MISSED"
            },
        );
    }
}

/// Runs one batch of `work` with `target`; returns its time.
fn batch(bench: &Bench, clock: Clock, work: Work, target: Target) -> Duration {
    if let (Work::BlockingChat { calls }, Target::Sdk) = (work, target) {
        let start = clock.now();
        bench.blocking_chat(calls);
        return start.elapsed();
    }
    if let Work::WebSocket { audio } = work {
        let event = if audio {
            openai_benches::setup::audio_delta()
        } else {
            openai_benches::setup::text_delta()
        };
        bench.answer_ws(event, EVENTS);
    }
    let clients = bench.clients.clone();
    let start = clock.now();
    bench.run(async move {
        match work {
            Work::Chat {
                concurrency,
                batches,
            } => {
                for _ in 0..batches {
                    let mut calls: FuturesUnordered<_> =
                        (0..concurrency).map(|_| clients.chat(target)).collect();
                    while calls.next().await.is_some() {}
                }
            }
            Work::Stream { .. } => assert_eq!(clients.stream(target).await, EVENTS),
            // The helper's baseline is the plain SDK stream, not the floor.
            Work::StreamHelper => match target {
                Target::Sdk => assert_eq!(clients.stream_helper().await, EVENTS),
                Target::Floor => assert_eq!(clients.stream(Target::Sdk).await, EVENTS),
            },
            Work::Embeddings { calls } => {
                for _ in 0..calls {
                    let floats = clients.embeddings(target).await;
                    assert_eq!(floats, openai_benches::setup::EMBEDDING_INPUTS * 1536);
                }
            }
            Work::WebSocket { .. } => assert_eq!(clients.websocket(target).await, EVENTS),
            // The async SDK, one call after the other, as the blocking
            // client makes them.
            Work::BlockingChat { calls } => {
                for _ in 0..calls {
                    clients.chat(Target::Sdk).await;
                }
            }
        }
    });
    start.elapsed()
}
