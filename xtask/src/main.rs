//! Workspace tasks. `cargo xtask codegen` (generating openai-types from the
//! OpenAPI spec) lands with issue 4; until then there is no task to run.

fn main() {
    eprintln!("usage: cargo xtask codegen (not available yet)");
    std::process::exit(2);
}
