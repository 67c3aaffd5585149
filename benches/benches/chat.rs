//! `chat_create/{sdk,floor}/concurrency={1,64}`: one non-streaming chat
//! completion against openai-mock, by the SDK and by the raw floor
//! (`openai_benches::floor`), in the same run.
//!
//! Time is client CPU per request (`BENCH_CLOCK=wall` for wall time): at
//! concurrency 64 an iteration sends 64 requests at once and the measured
//! time is divided by 64. Target: SDK <= 1.2x the floor.

use std::time::Duration;

use criterion::{Criterion, Throughput};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use openai_benches::clock::Clock;
use openai_benches::setup::{Bench, Target};
use openai_mock::Mock;

const CONCURRENCY: [u32; 2] = [1, 64];

fn main() {
    let mut c = Criterion::default().configure_from_args();
    chat_create(&mut c);
    c.final_summary();
}

fn chat_create(c: &mut Criterion) {
    let clock = Clock::from_env();
    let bench = Bench::new();
    bench.answer_with(Mock::chat_completion("Hello from the mock"));
    let mut group = c.benchmark_group(format!("chat_create[{}]", clock.name()));
    group.throughput(Throughput::Elements(1));
    for concurrency in CONCURRENCY {
        for target in Target::ALL {
            let name = format!("{}/concurrency={concurrency}", target.name());
            group.bench_function(name, |b| {
                b.iter_custom(|iters| measure(&bench, clock, iters, concurrency, target));
            });
        }
    }
    group.finish();
}

/// `iters` rounds of `concurrency` concurrent calls, as time per call.
fn measure(bench: &Bench, clock: Clock, iters: u64, concurrency: u32, target: Target) -> Duration {
    let clients = bench.clients.clone();
    let start = clock.now();
    bench.run(async move {
        for _ in 0..iters {
            let mut calls: FuturesUnordered<_> =
                (0..concurrency).map(|_| clients.chat(target)).collect();
            while calls.next().await.is_some() {}
        }
    });
    start.elapsed() / concurrency
}
