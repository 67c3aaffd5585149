//! [`Clock`]: what a benchmark iteration costs, as client CPU time (default)
//! or wall time (`BENCH_CLOCK=wall`).
//!
//! CPU time is read from `/proc/self/task/<tid>/schedstat` (nanoseconds on
//! CPU per thread) for the threads whose name starts with
//! [`CLIENT_THREAD`], and the blocking client's runtime thread
//! (`openai-blocking`). A thread that exits between
//! two readings loses its time; the client runtime keeps its workers for the
//! whole run and resolves no names (the mock listens on an IP literal), so no
//! thread exits while measuring.

use std::fs;
use std::time::{Duration, Instant};

use crate::setup::CLIENT_THREAD;

/// How a benchmark measures an iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// CPU time of the client runtime's threads.
    Cpu,
    /// Elapsed wall time.
    Wall,
}

/// A reading of a [`Clock`].
#[derive(Debug, Clone, Copy)]
pub enum Reading {
    /// Total CPU time of the client threads.
    Cpu(Duration),
    /// A point in wall time.
    Wall(Instant),
}

impl Clock {
    /// `BENCH_CLOCK=wall` picks wall time; otherwise CPU time, when the
    /// kernel exposes per-thread schedstat (wall time otherwise, with a note
    /// on stderr).
    pub fn from_env() -> Self {
        if std::env::var("BENCH_CLOCK").is_ok_and(|v| v == "wall") {
            return Self::Wall;
        }
        if fs::read_to_string("/proc/thread-self/schedstat").is_ok() {
            Self::Cpu
        } else {
            eprintln!("no /proc/<tid>/schedstat: measuring wall time instead of client CPU");
            Self::Wall
        }
    }

    /// Reads the clock now.
    pub fn now(self) -> Reading {
        match self {
            Self::Cpu => Reading::Cpu(settled_client_cpu()),
            #[allow(
                clippy::disallowed_methods,
                reason = "a benchmark measures real elapsed time, not tokio's clock"
            )]
            Self::Wall => Reading::Wall(Instant::now()),
        }
    }

    /// A short name for benchmark labels and reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cpu => "client-cpu",
            Self::Wall => "wall",
        }
    }
}

impl Reading {
    /// The time between `self` (earlier) and a reading taken now.
    pub fn elapsed(self) -> Duration {
        match self {
            Self::Cpu(start) => settled_client_cpu().saturating_sub(start),
            Self::Wall(start) => start.elapsed(),
        }
    }
}

/// [`client_cpu`] once the client threads have gone idle: the kernel brings
/// a thread's CPU time up to date when it is switched out (or at a tick), so
/// a thread still running when read would be short by up to a tick, which is
/// more than a small batch costs. The pause runs on the calling thread, which
/// is not measured.
#[allow(
    clippy::disallowed_methods,
    reason = "the benchmark's own thread waits, not a runtime thread"
)]
fn settled_client_cpu() -> Duration {
    std::thread::sleep(Duration::from_millis(2));
    client_cpu()
}

/// The summed CPU time of the threads named `CLIENT_THREAD*`.
fn client_cpu() -> Duration {
    let mut total = 0u64;
    let Ok(tasks) = fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    for task in tasks.flatten() {
        let dir = task.path();
        let Ok(comm) = fs::read_to_string(dir.join("comm")) else {
            continue;
        };
        if !comm.starts_with(CLIENT_THREAD) && !comm.starts_with("openai-blocking") {
            continue;
        }
        // "<ns on cpu> <ns waiting> <timeslices>"
        let ns = fs::read_to_string(dir.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok());
        total += ns.unwrap_or(0);
    }
    Duration::from_nanos(total)
}
