//! Fuzz targets of the openai-rs SDK on stable Rust.
//!
//! cargo-fuzz and libFuzzer need nightly's sanitizer flags, so this crate is
//! its own small engine: each [`Target`] is a function of an input (bytes)
//! and an auxiliary `u64` (split points, a status, a clock) that must not
//! panic, hang or grow memory without bound, and that asserts the
//! properties of the code under test. Inputs are the target's seed corpus
//! (real SSE streams, the spec's example bodies, valid error bodies and
//! webhooks) mutated by [`mutate()`]: bit flips, random bytes, inserted
//! tokens (`data:`, `\r\n`, `[DONE]`, `{`, `"`, huge numbers), deleted,
//! duplicated and spliced ranges, or plain random bytes.
//!
//! Two ways to run it:
//!
//! - `cargo test -p openai-fuzz`: every target a few thousand times with a
//!   fixed seed (the brief mode, part of `cargo test --workspace`).
//! - `cargo run -p openai-fuzz --release -- all --runs 10000000`: the long
//!   run, with executions, exec/s and peak RSS per target (see
//!   `docs/fuzzing.md`).
//!
//! Everything is deterministic: iteration `i` of a run with seed `s` draws
//! the same input and auxiliary value every time, and a failure prints them
//! (hex) for `replay`.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub mod corpus;
pub mod mutate;
pub mod rng;
pub mod targets;

pub use mutate::mutate;
pub use rng::Rng;

/// One fuzz target.
#[derive(Clone, Copy)]
pub struct Target {
    /// The name on the command line (`sse`, `responses`, ...).
    pub name: &'static str,
    /// What the target runs and asserts, in one line.
    pub about: &'static str,
    /// The seed corpus: valid inputs that mutations start from.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens the mutator inserts, beside the common ones.
    pub tokens: &'static [&'static [u8]],
    /// Runs one input; panics (an assertion) on a failed property.
    pub run: fn(&[u8], u64),
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target").field("name", &self.name).finish()
    }
}

/// Every target, in the order `all` runs them.
pub fn targets() -> &'static [Target] {
    targets::ALL
}

/// The target named `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    targets().iter().find(|t| t.name == name)
}

/// How a run goes.
#[derive(Debug, Clone)]
pub struct Config {
    /// How many inputs to run.
    pub runs: u64,
    /// The seed of the whole run.
    pub seed: u64,
    /// The longest input the mutator makes.
    pub max_len: usize,
    /// An input that takes longer than this, again when run twice more, is a
    /// failure (a hang).
    pub slow: Duration,
    /// A resident set above this many KiB is a failure (memory without bound).
    pub rss_limit_kib: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            runs: 1_000,
            seed: 0,
            max_len: 64 * 1024,
            slow: Duration::from_secs(1),
            rss_limit_kib: 4 * 1024 * 1024,
        }
    }
}

/// What a finished run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// The target's name.
    pub target: &'static str,
    /// Inputs run.
    pub execs: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// The slowest input's time.
    pub slowest: Duration,
    /// Peak resident set (VmHWM) before the run, in KiB; `None` off Linux.
    pub rss_before_kib: Option<u64>,
    /// Peak resident set (VmHWM) after the run, in KiB; `None` off Linux.
    pub rss_peak_kib: Option<u64>,
}

impl Report {
    /// Executions per second.
    pub fn execs_per_sec(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kib = |v: Option<u64>| {
            v.map_or("n/a".to_owned(), |v| {
                format!("{:.1} MiB", v as f64 / 1024.0)
            })
        };
        write!(
            f,
            "{:<12} {:>11} execs in {:>8.1} s = {:>9.0} exec/s, slowest {:>7.2} ms, peak RSS {} (before {})",
            self.target,
            self.execs,
            self.elapsed.as_secs_f64(),
            self.execs_per_sec(),
            self.slowest.as_secs_f64() * 1e3,
            kib(self.rss_peak_kib),
            kib(self.rss_before_kib),
        )
    }
}

/// A failed input: everything needed to run it again.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The target's name.
    pub target: &'static str,
    /// The run's seed.
    pub seed: u64,
    /// The iteration that failed.
    pub iteration: u64,
    /// The input.
    pub input: Vec<u8>,
    /// The auxiliary value.
    pub aux: u64,
    /// What went wrong: the panic message, or the hang or memory limit.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "target {} failed at iteration {} of seed {}: {}",
            self.target, self.iteration, self.seed, self.message
        )?;
        writeln!(
            f,
            "input ({} bytes, hex): {}",
            self.input.len(),
            hex(&self.input)
        )?;
        let text = String::from_utf8_lossy(&self.input);
        let shown: String = text.chars().take(2_000).collect();
        writeln!(f, "input (lossy text, first 2000 characters): {shown:?}")?;
        write!(
            f,
            "replay: cargo run -p openai-fuzz --release -- replay {} {} --aux {}",
            self.target,
            hex(&self.input),
            self.aux
        )
    }
}

/// The input being run, for a watchdog thread that reports a true hang
/// (an input that never returns) from outside.
#[derive(Debug, Default)]
pub struct Progress {
    /// Milliseconds since `epoch` when the current input started; 0 between inputs.
    started_ms: AtomicU64,
    /// The current input and its auxiliary value.
    current: Mutex<(Vec<u8>, u64)>,
    epoch: Option<Instant>,
}

impl Progress {
    /// A progress record whose clock starts now.
    #[allow(
        clippy::disallowed_methods,
        reason = "the fuzz engine measures real time; there is no runtime here"
    )]
    pub fn new() -> Self {
        Self {
            epoch: Some(Instant::now()),
            ..Self::default()
        }
    }

    fn now_ms(&self) -> u64 {
        self.epoch
            .map_or(0, |e| e.elapsed().as_millis() as u64)
            .max(1)
    }

    fn start(&self, input: &[u8], aux: u64) {
        if let Ok(mut current) = self.current.lock() {
            current.0.clear();
            current.0.extend_from_slice(input);
            current.1 = aux;
        }
        self.started_ms.store(self.now_ms(), Ordering::Release);
    }

    fn end(&self) {
        self.started_ms.store(0, Ordering::Release);
    }

    /// The input that has been running for longer than `limit`, if any.
    pub fn stuck(&self, limit: Duration) -> Option<(Vec<u8>, u64, Duration)> {
        let started = self.started_ms.load(Ordering::Acquire);
        if started == 0 {
            return None;
        }
        let running = Duration::from_millis(self.now_ms().saturating_sub(started));
        if running <= limit {
            return None;
        }
        let current = self.current.lock().ok()?;
        Some((current.0.clone(), current.1, running))
    }
}

/// The input and auxiliary value of iteration `iteration` of a run.
pub fn input_for(
    target: &Target,
    seeds: &[Vec<u8>],
    config: &Config,
    iteration: u64,
) -> (Vec<u8>, u64) {
    let mut rng = Rng::for_iteration(config.seed, iteration);
    let aux = rng.next_u64();
    let input = mutate(&mut rng, seeds, target.tokens, config.max_len);
    (input, aux)
}

/// Runs `target` for `config.runs` inputs. Stops at the first failure.
#[allow(
    clippy::disallowed_methods,
    reason = "the fuzz engine measures real time; there is no runtime here"
)]
pub fn run(
    target: &Target,
    config: &Config,
    progress: Option<&Progress>,
) -> Result<Report, Box<Failure>> {
    reset_peak_rss();
    let rss_before_kib = peak_rss_kib();
    let seeds = (target.seeds)();
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let fail = |iteration, input: Vec<u8>, aux, message| {
        Box::new(Failure {
            target: target.name,
            seed: config.seed,
            iteration,
            input,
            aux,
            message,
        })
    };
    for i in 0..config.runs {
        let (input, aux) = input_for(target, &seeds, config, i);
        if let Some(p) = progress {
            p.start(&input, aux);
        }
        let t0 = Instant::now();
        let outcome = run_one(target, &input, aux);
        let took = t0.elapsed();
        if let Some(p) = progress {
            p.end();
        }
        slowest = slowest.max(took);
        if let Err(message) = outcome {
            return Err(fail(i, input, aux, message));
        }
        if took > config.slow {
            // A loaded machine can stall one run: a hang is an input that is
            // slow every time it runs.
            let again = (0..2)
                .map(|_| {
                    let t0 = Instant::now();
                    let _ = run_one(target, &input, aux);
                    t0.elapsed()
                })
                .min()
                .unwrap_or(took);
            if again > config.slow {
                let message = format!(
                    "the input took {took:?}, then {again:?} at best of two more runs (limit {:?}): a hang",
                    config.slow
                );
                return Err(fail(i, input, aux, message));
            }
        }
        if i % 4096 == 4095 {
            if let Some(rss) = current_rss_kib().filter(|&r| r > config.rss_limit_kib) {
                let message = format!(
                    "the resident set reached {rss} KiB (limit {} KiB): memory without bound",
                    config.rss_limit_kib
                );
                return Err(fail(i, input, aux, message));
            }
        }
    }
    Ok(Report {
        target: target.name,
        execs: config.runs,
        elapsed: started.elapsed(),
        slowest,
        rss_before_kib,
        rss_peak_kib: peak_rss_kib(),
    })
}

/// Runs one input, turning a panic into its message.
pub fn run_one(target: &Target, input: &[u8], aux: u64) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| (target.run)(input, aux))).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic with a non-text payload".to_owned())
    })
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The bytes of lowercase or uppercase hex; `None` on an odd length or a non-hex digit.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().as_bytes();
    if text.len() % 2 != 0 {
        return None;
    }
    text.chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// The process's peak resident set (`VmHWM`) in KiB, on Linux.
pub fn peak_rss_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// The process's resident set (`VmRSS`) in KiB, on Linux.
pub fn current_rss_kib() -> Option<u64> {
    status_kib("VmRSS:")
}

/// Resets the peak resident set to the current one (Linux: `5` to
/// `/proc/self/clear_refs`), so each target's peak is its own. Best effort.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The brief mode: every target, a few thousand inputs, a fixed seed.
    fn brief(name: &str, runs: u64) {
        let target = target(name).expect("a target of that name");
        let config = Config {
            runs,
            seed: 0x5EED_F0A1,
            max_len: 16 * 1024,
            // Debug builds on a shared machine: generous, still catches a hang.
            slow: Duration::from_secs(5),
            ..Config::default()
        };
        if let Err(failure) = run(target, &config, None) {
            panic!("{failure}");
        }
    }

    #[test]
    fn every_target_is_tested_here() {
        let names: Vec<&str> = targets().iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            [
                "sse",
                "sse-stream",
                "responses",
                "error-body",
                "retry-after",
                "query",
                "multipart",
                "webhooks"
            ]
        );
    }

    #[test]
    fn brief_sse() {
        brief("sse", 3_000);
    }

    #[test]
    fn brief_sse_stream() {
        brief("sse-stream", 2_000);
    }

    #[test]
    fn brief_responses() {
        brief("responses", 3_000);
    }

    #[test]
    fn brief_error_body() {
        brief("error-body", 3_000);
    }

    #[test]
    fn brief_retry_after() {
        brief("retry-after", 3_000);
    }

    #[test]
    fn brief_query() {
        brief("query", 3_000);
    }

    #[test]
    fn brief_multipart() {
        brief("multipart", 2_000);
    }

    #[test]
    fn brief_webhooks() {
        brief("webhooks", 2_000);
    }

    #[allow(clippy::disallowed_methods, reason = "a busy wait in a test")]
    fn spin(d: Duration) {
        let t = Instant::now();
        while t.elapsed() < d {
            std::hint::spin_loop();
        }
    }

    #[test]
    fn a_slow_input_is_a_hang_only_when_it_is_slow_every_time() {
        static CALLS: AtomicU64 = AtomicU64::new(0);
        let once = Target {
            name: "once",
            about: "slow on its first run only",
            seeds: || vec![b"x".to_vec()],
            tokens: &[],
            run: |_, _| {
                if CALLS.fetch_add(1, Ordering::SeqCst) == 0 {
                    spin(Duration::from_millis(60));
                }
            },
        };
        let config = Config {
            runs: 3,
            slow: Duration::from_millis(30),
            ..Config::default()
        };
        assert!(run(&once, &config, None).is_ok());
        let always = Target {
            run: |_, _| spin(Duration::from_millis(60)),
            ..once
        };
        let failure = run(&always, &config, None).unwrap_err();
        assert!(failure.message.contains("a hang"), "{}", failure.message);
        assert_eq!(failure.iteration, 0);
    }

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&hex(&bytes)).unwrap(), bytes);
        assert!(unhex("abc").is_none());
        assert!(unhex("zz").is_none());
    }

    #[test]
    fn a_panicking_target_is_reported_with_its_input() {
        let target = Target {
            name: "boom",
            about: "fails on a 0x42 byte",
            seeds: || vec![b"aaaa".to_vec()],
            tokens: &[b"B"],
            run: |input, _| assert!(!input.contains(&b'B'), "found the B"),
        };
        let failure = run(&target, &Config::default(), None).unwrap_err();
        assert!(
            failure.message.contains("found the B"),
            "{}",
            failure.message
        );
        assert!(failure.input.contains(&b'B'));
        let (again, aux) = input_for(
            &target,
            &(target.seeds)(),
            &Config::default(),
            failure.iteration,
        );
        assert_eq!((again, aux), (failure.input.clone(), failure.aux));
        assert!(failure.to_string().contains(&hex(&failure.input)));
    }
}
