//! `sse/{sdk,floor}/per_read={1,64}`: a streamed chat completion of
//! [`EVENTS`] identical chunks from openai-mock, written one or 64 events per
//! body frame, read to `[DONE]` by the SDK (`create_stream`, typed
//! `ChatCompletionChunk`s) and by the raw floor (hyper-util, a `\n` line
//! splitter, serde_json into a minimal chunk struct), in the same run.
//!
//! Time is client CPU per stream (`BENCH_CLOCK=wall` for wall time), with
//! `Throughput::Elements(EVENTS)` for the per-event figure. Targets: SDK
//! <= 1.4x the floor per event at one event per read, <= 2x at 64.

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput};
use openai_benches::clock::Clock;
use openai_benches::setup::{Bench, Target};
use openai_mock::Mock;

/// Events per stream.
const EVENTS: usize = 10_000;

const PER_READ: [usize; 2] = [1, 64];

fn main() {
    let mut c = Criterion::default().configure_from_args();
    sse(&mut c);
    c.final_summary();
}

fn sse(c: &mut Criterion) {
    let clock = Clock::from_env();
    let bench = Bench::new();
    let mut group = c.benchmark_group(format!("sse[{}]", clock.name()));
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    for per_read in PER_READ {
        bench.answer_with(Mock::chat_stream_repeat(EVENTS, per_read));
        for target in Target::ALL {
            let name = format!("{}/per_read={per_read}", target.name());
            group.bench_function(name, |b| {
                b.iter_custom(|iters| measure(&bench, clock, iters, target));
            });
        }
    }
    group.finish();
}

/// `iters` whole streams, one after the other.
fn measure(bench: &Bench, clock: Clock, iters: u64, target: Target) -> Duration {
    let clients = bench.clients.clone();
    let start = clock.now();
    bench.run(async move {
        for _ in 0..iters {
            assert_eq!(clients.stream(target).await, EVENTS);
        }
    });
    start.elapsed()
}
