//! Load: thousands of concurrent streams through one client (issue 13).
//! Opens `--streams` chat streams at once (default 10,000) against openai-mock
//! on 127.0.0.1, each sending `--events` events (default 40) in four writes
//! `--gap-ms` apart (default 2000), reads them all, and reports the client's peak memory, the
//! memory each open stream holds while it waits for its next write, and the
//! client's CPU time per event.
//!
//! ```text
//! cargo run --release --example load                       # 10,000 streams
//! cargo run --release --example load -- --streams 1000 --events 100
//! ```
//!
//! `.ci/examples` runs it with `--streams 500 --events 8 --gap-ms 200`.
//!
//! The mock runs in a child process (this example started again with
//! `--serve`), so the figures are the client's alone and each process keeps
//! under its file-descriptor limit (one socket per stream on each side).
//! Memory and CPU are read from `/proc/self` (Linux); elsewhere they show
//! as `n/a`. Always against the mock: the real API is never load-tested.

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use openai::prelude::*;
use openai_mock::{Mock, MockServer};
use tokio::sync::{Barrier, Semaphore};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
struct Settings {
    streams: usize,
    events: usize,
    gap: Duration,
}

fn settings() -> Result<Settings, Box<dyn std::error::Error>> {
    let mut s = Settings {
        streams: 10_000,
        events: 40,
        gap: Duration::from_secs(2),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || -> Result<usize, Box<dyn std::error::Error>> {
            Ok(args.get(i + 1).ok_or("a value is missing")?.parse()?)
        };
        match args[i].as_str() {
            "--streams" => s.streams = value()?,
            "--events" => s.events = value()?,
            "--gap-ms" => s.gap = Duration::from_millis(value()? as u64),
            other => return Err(format!("unknown argument {other}").into()),
        }
        i += 2;
    }
    if s.streams == 0 || s.events < 4 {
        return Err("--streams must be at least 1 and --events at least 4".into());
    }
    Ok(s)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("--serve") {
        return serve();
    }
    let settings = settings()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(drive(settings))
}

/// The child: a mock server answering every request with the load stream,
/// until its standard input closes (the parent ended).
fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let events: usize = std::env::args().nth(2).ok_or("events")?.parse()?;
        let gap = Duration::from_millis(std::env::args().nth(3).ok_or("gap")?.parse()?);
        let server = MockServer::start().await;
        server.record_requests(false);
        server.set_default(Mock::chat_stream_repeat(events, events / 4).chunk_delay(gap));
        println!("{}", server.url());
        std::io::stdout().flush()?;
        // Blocks this thread until the parent closes the pipe.
        tokio::task::spawn_blocking(|| std::io::stdin().lines().count()).await?;
        Ok(())
    })
}

async fn drive(settings: Settings) -> Result<(), Box<dyn std::error::Error>> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--serve")
        .arg(settings.events.to_string())
        .arg(settings.gap.as_millis().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut url = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut url)?;
    let url = url.trim().to_owned();

    let client = Client::builder()
        .api_key("load-key")
        .base_url(&url)
        .build()?;
    // One warm-up stream, so the figures below are per stream.
    read_all(&client, None).await?;
    let baseline = memory().rss;
    let cpu_start = cpu_seconds();
    let started = Instant::now();

    // Open every stream, at most 500 connecting at a time (the listen
    // backlog); all of them wait at the barrier once their first event came.
    let opening = Arc::new(Semaphore::new(500));
    let opened = Arc::new(Barrier::new(settings.streams + 1));
    let mut tasks = Vec::with_capacity(settings.streams);
    for _ in 0..settings.streams {
        let (client, opening, opened) = (client.clone(), opening.clone(), opened.clone());
        tasks.push(tokio::spawn(async move {
            let permit = opening.acquire_owned().await.expect("never closed");
            read_all(&client, Some((permit, opened))).await
        }));
    }
    // A stream that fails before its first event never reaches the barrier.
    tokio::time::timeout(Duration::from_secs(300), opened.wait())
        .await
        .map_err(|_| "not every stream opened within 5 minutes")?;
    let open = memory();
    let open_after = started.elapsed();

    let mut events = 0;
    for task in tasks {
        events += task.await??;
    }
    let elapsed = started.elapsed();
    let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
    let peak = memory().peak;
    drop(child.stdin.take());
    let _ = child.wait();

    let expected = settings.streams * settings.events;
    openai_examples::ensure(events == expected, "every event of every stream arrived")?;
    println!("streams: {}, events: {events}", settings.streams);
    println!("all streams open after {open_after:.2?}, all read after {elapsed:.2?}");
    match (baseline, open.rss) {
        (Some(before), Some(during)) => println!(
            "memory per open stream: {:.1} KiB (RSS {:.1} MiB before, {:.1} MiB with all open)",
            during.saturating_sub(before) as f64 / settings.streams as f64 / 1024.0,
            mib(before),
            mib(during),
        ),
        _ => println!("memory per open stream: n/a"),
    }
    match peak {
        Some(peak) => println!("peak RSS: {:.1} MiB", mib(peak)),
        None => println!("peak RSS: n/a"),
    }
    match cpu {
        Some(cpu) => println!(
            "client CPU: {cpu:.2} s, {:.2} µs per event",
            cpu * 1e6 / events as f64
        ),
        None => println!("client CPU: n/a"),
    }
    Ok(())
}

/// Reads one stream to its end; counts its events. With `open`, releases the
/// connecting permit and waits at the barrier after the first event.
async fn read_all(
    client: &Client,
    mut open: Option<(tokio::sync::OwnedSemaphorePermit, Arc<Barrier>)>,
) -> Result<usize, openai::Error> {
    let params = ChatCompletionCreateParams::new("gpt-4o-mini", [ChatMessage::user("load")]);
    let mut stream = client.chat().completions().create_stream(params).await?;
    let mut events = 0;
    while let Some(chunk) = stream.next().await {
        chunk?;
        events += 1;
        if let Some((permit, barrier)) = open.take() {
            drop(permit);
            barrier.wait().await;
        }
    }
    Ok(events)
}

struct Memory {
    rss: Option<u64>,
    peak: Option<u64>,
}

/// Resident and peak resident memory in bytes (`/proc/self/status`).
fn memory() -> Memory {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
    };
    Memory {
        rss: field("VmRSS:"),
        peak: field("VmHWM:"),
    }
}

/// User and system CPU time of this process, all threads
/// (`/proc/self/stat`, in clock ticks of 1/100 s, Linux's `USER_HZ`).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces: the fields start after its `)`.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
