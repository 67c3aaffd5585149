//! `cargo xtask coverage [--check]`: how much of the Python SDK's surface
//! this workspace serves, measured on the code, not claimed.
//!
//! - Methods covered, of the Python SDK's 312 (`reference/api-surface.md`):
//!   the HTTP methods the generator emits for the Python table, plus the
//!   helper methods of [`HELPERS`] whose code is found where it says.
//! - Operations tested, of the spec's: operations with a generated test in
//!   `crates/openai-core/tests/operations/generated/`.
//!
//! With `--check` it fails when either figure is below the one committed in
//! `xtask/coverage.tsv`, so coverage cannot drop unnoticed, and when an
//! operation of the spec has no method (a spec update that adds one fails
//! until its row is in `xtask/operations.tsv`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use crate::ir::Api;
use crate::names::Tables;
use crate::resources;

/// The Python SDK's helper methods (no HTTP operation of their own).
const PYTHON_HELPERS: usize = 29;

/// Helper methods served here: Python name, file, and the text that defines
/// it there.
const HELPERS: &[(&str, &str, &str)] = &[
    (
        "webhooks.unwrap",
        "crates/openai-core/src/webhooks/mod.rs",
        "pub fn unwrap(",
    ),
    (
        "webhooks.verify_signature",
        "crates/openai-core/src/webhooks/mod.rs",
        "pub fn verify_signature(",
    ),
    (
        "files.wait_for_processing",
        "crates/openai-core/src/polling/files.rs",
        "pub fn wait_for_processing(",
    ),
    (
        "vector_stores.files.poll",
        "crates/openai-core/src/polling/vector_stores.rs",
        "pub fn poll(&self, vector_store_id: &str, file_id: &str)",
    ),
    (
        "vector_stores.files.create_and_poll",
        "crates/openai-core/src/polling/vector_stores.rs",
        "params: VectorStoreFileCreateParams,\n    ) -> Polling<VectorStoreFile>",
    ),
    (
        "vector_stores.files.upload",
        "crates/openai-core/src/polling/vector_stores.rs",
        "pub async fn upload(",
    ),
    (
        "vector_stores.files.upload_and_poll",
        "crates/openai-core/src/polling/vector_stores.rs",
        "file: impl Into<FileUpload>,\n    ) -> Polling<VectorStoreFile>",
    ),
    (
        "vector_stores.file_batches.poll",
        "crates/openai-core/src/polling/vector_stores.rs",
        "pub fn poll(&self, vector_store_id: &str, batch_id: &str)",
    ),
    (
        "vector_stores.file_batches.create_and_poll",
        "crates/openai-core/src/polling/vector_stores.rs",
        "params: FileBatchCreateParams,\n    ) -> Polling<VectorStoreFileBatch>",
    ),
    (
        "vector_stores.file_batches.upload_and_poll",
        "crates/openai-core/src/polling/vector_stores.rs",
        "pub fn upload_and_poll<I>(",
    ),
    (
        "beta.threads.create_and_run_poll",
        "crates/openai-core/src/polling/runs.rs",
        "pub fn create_and_run_poll(",
    ),
    (
        "beta.threads.runs.poll",
        "crates/openai-core/src/polling/runs.rs",
        "pub fn poll(&self, thread_id: &str, run_id: &str)",
    ),
    (
        "beta.threads.runs.create_and_poll",
        "crates/openai-core/src/polling/runs.rs",
        "pub fn create_and_poll(",
    ),
    (
        "beta.threads.runs.submit_tool_outputs_and_poll",
        "crates/openai-core/src/polling/runs.rs",
        "pub fn submit_tool_outputs_and_poll(",
    ),
    (
        "videos.poll",
        "crates/openai-core/src/polling/videos.rs",
        "pub fn poll(&self, video_id: &str)",
    ),
    (
        "videos.create_and_poll",
        "crates/openai-core/src/polling/videos.rs",
        "pub fn create_and_poll(",
    ),
    (
        "chat.completions.stream",
        "crates/openai-core/src/helpers/chat_stream/mod.rs",
        "pub fn stream(&self, params: ChatCompletionCreateParams)",
    ),
    (
        "beta.threads.runs.stream",
        "crates/openai-core/src/helpers/assistant_stream/mod.rs",
        "pub fn stream(&self, thread_id: &str, params: RunCreateParams)",
    ),
    (
        "beta.threads.runs.create_and_stream",
        "crates/openai-core/src/helpers/assistant_stream/mod.rs",
        "pub fn create_and_stream(",
    ),
    (
        "beta.threads.runs.submit_tool_outputs_stream",
        "crates/openai-core/src/helpers/assistant_stream/mod.rs",
        "pub fn submit_tool_outputs_stream(",
    ),
    (
        "beta.threads.create_and_run_stream",
        "crates/openai-core/src/helpers/assistant_stream/mod.rs",
        "pub fn create_and_run_stream(",
    ),
    (
        "chat.completions.parse",
        "crates/openai-core/src/helpers/parse/chat.rs",
        "pub fn parse<T: DeserializeOwned + JsonSchema>(",
    ),
    (
        "responses.parse",
        "crates/openai-core/src/helpers/parse/responses.rs",
        "pub fn parse<T: DeserializeOwned + JsonSchema>(",
    ),
    (
        "uploads.upload_file_chunked",
        "crates/openai-core/src/helpers/chunked_upload.rs",
        "pub fn upload_file_chunked(",
    ),
    (
        "responses.stream",
        "crates/openai-core/src/helpers/response_stream/mod.rs",
        "pub fn stream(&self, params: ResponseCreateParams)",
    ),
    (
        "realtime.connect",
        "crates/openai-core/src/websocket/connect.rs",
        "pub fn connect(&self) -> Connect<'a, RealtimeClientEvent, RealtimeServerEvent> {\n        Connect::new(self.client, \"/realtime\")\n    }",
    ),
    (
        "beta.realtime.connect",
        "crates/openai-core/src/websocket/connect.rs",
        "Connect::new(self.client, \"/realtime\").header(\"openai-beta\", \"realtime=v1\")",
    ),
    (
        "responses.connect",
        "crates/openai-core/src/websocket/connect.rs",
        "impl<'a> crate::resources::responses::Responses<'a> {",
    ),
    (
        "beta.responses.connect",
        "crates/openai-core/src/websocket/connect.rs",
        "impl<'a> crate::resources::beta::responses::Responses<'a> {",
    ),
];

/// The committed figures.
const COMMITTED: &str = "xtask/coverage.tsv";

pub(crate) fn run(
    root: &Path,
    api: &Api,
    tables: &Tables,
    check: bool,
) -> Result<ExitCode, String> {
    let methods = resources::methods(api, tables);
    let python_http: usize = tables.operations.values().map(Vec::len).sum();
    let total_methods = python_http + PYTHON_HELPERS;
    let generated = methods.iter().filter(|m| m.python).count();
    let mut helpers = 0;
    for (name, file, needle) in HELPERS {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        if text.contains(needle) {
            helpers += 1;
        } else {
            eprintln!("helper `{name}` not found in {file}");
        }
    }
    let covered = generated + helpers;
    let tests_file = root.join("crates/openai-core/tests/operations/generated/mod.rs");
    let tests = std::fs::read_to_string(&tests_file)
        .map_err(|e| format!("{}: {e}", tests_file.display()))?;
    let tested: BTreeSet<&str> = methods
        .iter()
        .filter(|m| tests.contains(&format!("async fn {}()", resources::test_name(m, false))))
        .map(|m| m.op.id.as_str())
        .collect();
    println!("methods covered: {covered} / {total_methods}");
    println!(
        "operations tested: {} / {}",
        tested.len(),
        api.operations.len()
    );
    if !check {
        return Ok(ExitCode::SUCCESS);
    }
    let committed =
        std::fs::read_to_string(root.join(COMMITTED)).map_err(|e| format!("{COMMITTED}: {e}"))?;
    let mut ok = true;
    for line in committed.lines().filter(|l| !l.starts_with('#')) {
        let Some((key, value)) = line.split_once('\t') else {
            continue;
        };
        let want: usize = value
            .trim()
            .parse()
            .map_err(|_| format!("{COMMITTED}: bad figure {line:?}"))?;
        let got = match key {
            "methods" => covered,
            "operations" => tested.len(),
            other => return Err(format!("{COMMITTED}: unknown figure `{other}`")),
        };
        if got < want {
            eprintln!("{key}: {got} is below the committed {want}");
            ok = false;
        }
    }
    // Every operation of the spec has a method (and its test): one the
    // method table does not name would get types and nothing to call.
    for op in &api.operations {
        if !tested.contains(op.id.as_str()) {
            eprintln!(
                "operation `{}` ({} {}) has no method: add its row to xtask/operations.tsv",
                op.id,
                op.method.to_uppercase(),
                op.path
            );
            ok = false;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
