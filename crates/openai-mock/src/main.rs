//! `openai-mock`: the mock OpenAI server as a standalone program, for test suites in any
//! language.
//!
//! ```text
//! cargo install --path crates/openai-mock
//! openai-mock --port 8080
//! # openai-mock listening on http://127.0.0.1:8080/v1
//! ```
//!
//! Point a client's base URL at the printed URL. With nothing scripted, the server answers
//! every operation of the API (see the crate docs); it runs until Ctrl-C. Requests are not
//! recorded, so memory stays flat however long it runs.

use std::io::Write as _;
use std::process::ExitCode;

use openai_mock::MockServer;

const USAGE: &str = "\
openai-mock: a mock OpenAI API server

Usage: openai-mock [--port PORT] [--host HOST]

Options:
  -p, --port PORT   Port to listen on (default 8080; 0 picks a free port)
      --host HOST   Address to listen on (default 127.0.0.1; 0.0.0.0 for all interfaces)
  -h, --help        Print this help
  -V, --version     Print the version

The server prints `openai-mock listening on <URL>` (the URL ends in /v1) and runs
until Ctrl-C. Every operation of the OpenAI API answers with a valid response: the
spec's example, or one built from the schema. Lists page with ?after=, binary
endpoints return bytes, and requests with \"stream\": true get an SSE stream.";

/// Where to listen.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    host: String,
    port: u16,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve(Options),
    Help,
    Version,
}

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(e) => {
            eprintln!("openai-mock: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let options = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("openai-mock {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Command::Serve(options) => options,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("openai-mock: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(options))
}

async fn serve(options: Options) -> ExitCode {
    let server = match MockServer::bind((options.host.as_str(), options.port)).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!(
                "openai-mock: cannot listen on {}:{}: {e}",
                options.host, options.port
            );
            return ExitCode::FAILURE;
        }
    };
    server.record_requests(false);
    println!("openai-mock listening on {}", server.url());
    // A parent process reading the URL from a pipe needs it now, not at exit.
    let _ = std::io::stdout().flush();
    match tokio::signal::ctrl_c().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openai-mock: cannot wait for Ctrl-C: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Parses the arguments after the program name.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut options = Options {
        host: "127.0.0.1".to_owned(),
        port: 8080,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "-p" | "--port" => {
                let port = value("--port")?;
                options.port = port.parse().map_err(|_| format!("invalid port `{port}`"))?;
            }
            "--host" => options.host = value("--host")?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Command::Serve(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn parses_port_and_host() {
        assert_eq!(
            args("--port 9000 --host 0.0.0.0"),
            Ok(Command::Serve(Options {
                host: "0.0.0.0".to_owned(),
                port: 9000
            }))
        );
        assert_eq!(
            args("--port=0"),
            Ok(Command::Serve(Options {
                host: "127.0.0.1".to_owned(),
                port: 0
            }))
        );
        assert_eq!(args("-h"), Ok(Command::Help));
        assert!(args("--port").is_err());
        assert!(args("--port 70000").is_err());
        assert!(args("--verbose").is_err());
    }
}
