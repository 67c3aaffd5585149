//! The long run of the fuzz targets.
//!
//! ```text
//! cargo run -p openai-fuzz --release -- <target|all> [--runs N] [--seed N] [--max-len N] [--slow-ms N]
//! cargo run -p openai-fuzz --release -- replay <target> <input hex> [--aux N]
//! cargo run -p openai-fuzz --release -- list
//! ```
//!
//! Prints, per target, the executions, exec/s, the slowest input and the
//! peak resident set; exits with 1 and the reproducing input (hex), seed and
//! iteration at the first failure. A watchdog reports an input that never
//! returns (a true hang) and exits with 2.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use openai_fuzz::{Config, Progress, Target, hex, run, run_one, target, targets, unhex};

const USAGE: &str =
    "usage: openai-fuzz <target|all> [--runs N] [--seed N] [--max-len N] [--slow-ms N]
       openai-fuzz replay <target> <input hex> [--aux N]
       openai-fuzz list";

fn main() -> ExitCode {
    // A failure prints its panic message once, with the input: the default
    // hook's copy (and backtrace) would bury it.
    std::panic::set_hook(Box::new(|_| {}));
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(Command::List) => {
            for t in targets() {
                println!("{:<12} {}", t.name, t.about);
            }
            ExitCode::SUCCESS
        }
        Ok(Command::Replay { target, input, aux }) => match run_one(target, &input, aux) {
            Ok(()) => {
                println!("{}: the input passes", target.name);
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("{}: {message}", target.name);
                ExitCode::FAILURE
            }
        },
        Ok(Command::Fuzz { targets, config }) => fuzz(&targets, &config),
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

enum Command {
    List,
    Replay {
        target: &'static Target,
        input: Vec<u8>,
        aux: u64,
    },
    Fuzz {
        targets: Vec<&'static Target>,
        config: Config,
    },
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut positional = Vec::new();
    let mut config = Config {
        runs: 100_000,
        ..Config::default()
    };
    let mut aux = 0;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = it.next().ok_or(format!("{name} needs a value"))?;
            let value = value.replace('_', "");
            value
                .parse()
                .map_err(|_| format!("{name}: not a number: {value}"))
        };
        match arg.as_str() {
            "--runs" => config.runs = number("--runs")?,
            "--seed" => config.seed = number("--seed")?,
            "--max-len" => config.max_len = number("--max-len")? as usize,
            "--slow-ms" => config.slow = Duration::from_millis(number("--slow-ms")?),
            "--aux" => aux = number("--aux")?,
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => positional.push(other),
        }
    }
    let named = |name: &str| target(name).ok_or(format!("no target named {name} (see `list`)"));
    match positional.as_slice() {
        ["list"] => Ok(Command::List),
        ["replay", name, input] => Ok(Command::Replay {
            target: named(name)?,
            input: unhex(input).ok_or("the input is not hex")?,
            aux,
        }),
        ["all"] => Ok(Command::Fuzz {
            targets: targets().iter().collect(),
            config,
        }),
        [name] => Ok(Command::Fuzz {
            targets: vec![named(name)?],
            config,
        }),
        _ => Err(String::new()),
    }
}

fn fuzz(targets: &[&'static Target], config: &Config) -> ExitCode {
    // The watchdog: an input still running after ten times the slow limit
    // (at least 10 s) never returned; report it from outside and stop.
    let progress = Arc::new(Progress::new());
    let limit = (config.slow * 10).max(Duration::from_secs(10));
    let watched = Arc::clone(&progress);
    let seed = config.seed;
    std::thread::spawn(move || {
        loop {
            #[allow(clippy::disallowed_methods, reason = "a plain thread, no runtime")]
            std::thread::sleep(Duration::from_millis(500));
            if let Some((input, aux, running)) = watched.stuck(limit) {
                eprintln!(
                    "HANG: an input has run for {running:?} (seed {seed}, aux {aux})\ninput (hex): {}",
                    hex(&input)
                );
                std::process::exit(2);
            }
        }
    });
    println!(
        "seed {}, {} runs per target, inputs up to {} bytes, slow input limit {:?}",
        config.seed, config.runs, config.max_len, config.slow
    );
    for t in targets {
        match run(t, config, Some(&progress)) {
            Ok(report) => println!("{report}"),
            Err(failure) => {
                eprintln!("FAILED\n{failure}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
