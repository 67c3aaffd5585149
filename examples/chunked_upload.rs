//! A large file through the Uploads API in parts (Python's
//! `client.uploads.upload_file_chunked`): the upload is created, the parts
//! are streamed from disk a few at a time, then the upload is completed
//! with the part ids in order.
//!
//! ```text
//! cargo run --features uploads --example chunked_upload
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (and uploads a 1 MiB
//! file of JSON lines for fine-tuning). Without it, it runs against the
//! bundled mock server.

use std::io::Write as _;

use openai::types::UploadCreateParamsPurpose;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;

    // A file of about 1 MiB of training lines.
    let path = std::env::temp_dir().join(format!("openai-rs-chunked-{}.jsonl", std::process::id()));
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let line = r#"{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}"#;
        let mut written = 0;
        while written < 1 << 20 {
            writeln!(file, "{line}")?;
            written += line.len() + 1;
        }
        file.flush()?;
    }
    let size = std::fs::metadata(&path)?.len();

    let upload = client
        .uploads()
        .upload_file_chunked(
            path.as_path(),
            "text/jsonl",
            UploadCreateParamsPurpose::FineTune,
        )
        // 256 KiB parts, two at a time (Python: 64 MiB, one at a time).
        .part_size(256 * 1024)
        .concurrency(2)
        .await;
    std::fs::remove_file(&path)?;
    let upload = upload?;
    println!(
        "uploaded {size} bytes in {} parts: upload {} is {}",
        size.div_ceil(256 * 1024),
        upload.id,
        upload.status.as_str()
    );
    if let Some(file) = upload.file.as_ref() {
        println!("the new file: {} ({})", file.id, file.filename);
    }
    if mock.is_some() {
        println!("(the mock answers from the spec's examples)");
    }
    Ok(())
}
