//! Workspace tasks.
//!
//! `cargo xtask codegen [--spec PATH] [--check]` reads the OpenAPI spec (default
//! `../shared/openapi/openapi.yaml` relative to the workspace root, or `$OPENAI_OPENAPI_SPEC`)
//! and writes the types (`crates/openai-types/src/generated/**`), the resources
//! (`crates/openai-core/src/generated/**`), their tests
//! (`crates/openai-core/tests/operations/generated/**`), the mock's answer table
//! (`crates/openai-mock/src/generated/**`, see [`mock_table`]) and the conformance calls that
//! `.ci/prism` runs (`crates/openai-core/tests/conformance/generated/**`). With `--check` it
//! writes nothing and exits non-zero when the committed output differs from what the spec
//! generates.
//!
//! `cargo xtask coverage [--check]` prints the methods covered and the operations tested
//! ([`coverage`]).
//!
//! The pipeline: [`spec`] loads the YAML, [`lower`] turns it into the intermediate model of
//! [`ir`] (types and operations, named by [`names`]), [`emit`] writes Rust from the model
//! (doc comments through [`docs`]), [`examples`] writes the round-trip tests of the spec's
//! examples, [`resources`] writes the resources and their per-operation tests, [`mock_table`]
//! the answer of every operation for openai-mock.

mod coverage;
mod docs;
mod emit;
mod examples;
mod ir;
mod lower;
mod mock_table;
mod names;
mod resources;
mod spec;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const USAGE: &str = "usage: cargo xtask codegen [--spec PATH] [--check | --dump-operations]\n       cargo xtask coverage [--spec PATH] [--check]";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut args = std::env::args().skip(1);
    let Some(task) = args.next() else {
        return Err(USAGE.to_owned());
    };
    if task != "codegen" && task != "coverage" {
        return Err(format!("unknown task `{task}`\n{USAGE}"));
    }
    let root = workspace_root();
    let mut spec_path = std::env::var_os("OPENAI_OPENAPI_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/openapi/openapi.yaml"));
    let mut check = false;
    let mut dump = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--dump-operations" => dump = true,
            "--spec" => spec_path = args.next().map(PathBuf::from).ok_or(USAGE)?,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if task == "coverage" {
        let api = load_api(&root, &spec_path)?.1;
        let tables = names::Tables::load(&root.join("xtask"))?;
        return coverage::run(&root, &api, &tables, check);
    }
    if dump {
        let api = load_api(&root, &spec_path)?.1;
        print!("{}", ir::dump_operations(&api));
        return Ok(ExitCode::SUCCESS);
    }
    let outputs = generate(&root, &spec_path)?;
    if check {
        let mut stale = Vec::new();
        let mut total = 0;
        for (dir, files) in &outputs {
            total += files.len();
            stale.extend(
                stale_files(&root.join(dir), files)?
                    .into_iter()
                    .map(|f| format!("{dir}/{f}")),
            );
        }
        if stale.is_empty() {
            println!("generated code is up to date ({total} files)");
            return Ok(ExitCode::SUCCESS);
        }
        for f in &stale {
            eprintln!("stale: {f}");
        }
        eprintln!("run `cargo xtask codegen` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    for (dir, files) in &outputs {
        let out_dir = root.join(dir);
        write_files(&out_dir, files)?;
        println!("wrote {} files to {}", files.len(), out_dir.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// Generates every output file (path relative to `generated/` -> rustfmt'd contents).
fn load_api(root: &Path, spec_path: &Path) -> Result<(yaml_rust2::Yaml, ir::Api), String> {
    let text = std::fs::read_to_string(spec_path)
        .map_err(|e| format!("reading {}: {e}", spec_path.display()))?;
    let doc = spec::load(&text)?;
    let tables = names::Tables::load(&root.join("xtask"))?;
    let mut api = lower::lower(&doc, &tables)?;
    // Events of the streams the Python SDK opens where the spec declares none arrive in
    // responses too.
    let streamed = resources::python_stream_types(&api);
    lower::mark_output(&mut api.types, streamed);
    // The client events of the WebSocket connections are values the caller
    // builds, like request bodies.
    let sent = resources::websocket_client_events(&api);
    lower::mark_input(&mut api.types, sent);
    lower::apply_overrides(&mut api.types)?;
    Ok((doc, api))
}

/// Every output directory (relative to the workspace root) with its files
/// (path relative to the directory -> rustfmt'd contents). Each directory is
/// owned whole by the generator: a `.rs` file it no longer writes is removed.
type Outputs = Vec<(&'static str, BTreeMap<String, String>)>;

fn generate(root: &Path, spec_path: &Path) -> Result<Outputs, String> {
    let (doc, api) = load_api(root, spec_path)?;
    let tables = names::Tables::load(&root.join("xtask"))?;
    let mut types = emit::emit(&api);
    let skips = examples::load_skips(&root.join("xtask/example-skips.tsv"))?;
    types.insert(
        "tests.rs".to_owned(),
        examples::emit_tests(&doc, &api, &skips),
    );
    let methods = resources::methods(&api, &tables);
    let mut core = resources::emit(&api, &methods);
    core.insert("websocket.rs".to_owned(), resources::emit_websocket(&api)?);
    let mut tests = BTreeMap::new();
    tests.insert("mod.rs".to_owned(), resources::emit_tests(&api, &methods));
    let mut mock = BTreeMap::new();
    mock.insert(
        "mod.rs".to_owned(),
        mock_table::emit(&doc, &api, &methods, &skips),
    );
    let mut conformance = BTreeMap::new();
    conformance.insert(
        "mod.rs".to_owned(),
        resources::emit_conformance(&doc, &api, &methods),
    );
    let mut out = Vec::new();
    for (dir, files) in [
        ("crates/openai-types/src/generated", types),
        ("crates/openai-core/src/generated", core),
        ("crates/openai-core/tests/operations/generated", tests),
        ("crates/openai-mock/src/generated", mock),
        (
            "crates/openai-core/tests/conformance/generated",
            conformance,
        ),
    ] {
        let mut formatted = BTreeMap::new();
        for (path, code) in files {
            formatted.insert(path, rustfmt(&code)?);
        }
        out.push((dir, formatted));
    }
    Ok(out)
}

fn rustfmt(code: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt stdin")?;
    let input = code.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    writer
        .join()
        .map_err(|_| "rustfmt writer panicked")?
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        let mut dump = std::env::temp_dir();
        dump.push("xtask-rustfmt-input.rs");
        let _ = std::fs::write(&dump, code);
        return Err(format!(
            "rustfmt failed (input in {}):\n{}",
            dump.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}

fn stale_files(out_dir: &Path, files: &BTreeMap<String, String>) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    for (path, code) in files {
        match std::fs::read_to_string(out_dir.join(path)) {
            Ok(existing) if existing == *code => {}
            _ => stale.push(path.clone()),
        }
    }
    for existing in list_rs(out_dir)? {
        if !files.contains_key(&existing) {
            stale.push(format!("{existing} (no longer generated)"));
        }
    }
    Ok(stale)
}

fn write_files(out_dir: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    std::fs::create_dir_all(out_dir).map_err(|e| e.to_string())?;
    for existing in list_rs(out_dir)? {
        if !files.contains_key(&existing) {
            std::fs::remove_file(out_dir.join(&existing)).map_err(|e| e.to_string())?;
        }
    }
    for (path, code) in files {
        let target = out_dir.join(path);
        if std::fs::read_to_string(&target).ok().as_deref() != Some(code.as_str()) {
            std::fs::write(&target, code).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

fn list_rs(dir: &Path) -> Result<Vec<String>, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}
