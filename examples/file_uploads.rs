//! File uploads (Python README: "File uploads"): a file parameter takes a
//! `FileUpload` made from a path (`FileUpload::path`, streamed from disk when
//! the request is sent, and again on a retry), from bytes with a file name
//! (`FileUpload::bytes`, the MIME type guessed from the name), or from bytes,
//! a file name and a MIME type (`FileUpload::new`, Python's tuple).
//!
//! ```text
//! cargo run --features files --example file_uploads
//! ```
//!
//! With `OPENAI_API_KEY` set it uploads three small files to the real API
//! and deletes them again. Without it, it starts the bundled mock server in
//! process (which answers from the spec's example) and prints the multipart
//! part headers the mock received.

use std::io::Write as _;

use openai::FileUpload;
use openai::types::{FileCreateParams, FilePurpose};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;

    // A JSONL file of chat examples on disk (Python: Path("input.jsonl")).
    let path = std::env::temp_dir().join(format!("openai-rs-input-{}.jsonl", std::process::id()));
    {
        let mut file = std::fs::File::create(&path)?;
        for (question, answer) in [("Hi", "Hello!"), ("2 + 2?", "4")] {
            let line = serde_json::json!({"messages": [
                {"role": "user", "content": question},
                {"role": "assistant", "content": answer},
            ]});
            writeln!(file, "{line}")?;
        }
    }

    let uploads = [
        ("path", FileUpload::path(&path), FilePurpose::FineTune),
        (
            "bytes",
            FileUpload::bytes("notes.txt", b"Rust has no null; it has Option.".to_vec()),
            FilePurpose::UserData,
        ),
        (
            "new",
            FileUpload::new("faq.md", b"# FAQ\nRead the docs.".to_vec(), "text/markdown"),
            FilePurpose::UserData,
        ),
    ];
    let mut created = Vec::new();
    let mut outcome = Ok(());
    for (how, file, purpose) in uploads {
        println!(
            "FileUpload::{how}: {} ({})",
            file.file_name(),
            file.mime_type()
        );
        match client
            .files()
            .create(FileCreateParams::new(file, purpose))
            .await
        {
            Ok(object) => {
                println!(
                    "  -> {} {} ({} bytes)",
                    object.id, object.filename, object.bytes
                );
                created.push(object.id);
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    std::fs::remove_file(&path)?;
    outcome?;

    match &mock {
        Some(server) => {
            // What the server got: one multipart part named `file` each.
            for request in server.requests() {
                let body = String::from_utf8_lossy(request.body());
                let headers: Vec<&str> = body
                    .lines()
                    .filter(|l| {
                        l.starts_with("Content-Disposition: form-data; name=\"file\"")
                            || l.starts_with("Content-Type:")
                    })
                    .collect();
                println!("the mock received: {}", headers.join(" | "));
            }
            let last = server.requests().last().cloned();
            let part = last.map(|r| String::from_utf8_lossy(r.body()).into_owned());
            openai_examples::ensure(
                part.is_some_and(|p| {
                    p.contains("filename=\"faq.md\"") && p.contains("text/markdown")
                }),
                "FileUpload::new's name and type on the wire",
            )?;
        }
        None => {
            for id in created {
                client.files().delete(&id).await?;
                println!("deleted {id}");
            }
        }
    }
    Ok(())
}
