//! Vision (Python README: "Vision"): a chat message with an image, once by
//! URL (`ContentPart::image_url`) and once as bytes sent inline
//! (`ContentPart::image_bytes`, which builds the `data:<type>;base64,...`
//! URL for you).
//!
//! ```text
//! cargo run --example vision [-- path/to/image.png]
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured; the model must accept images). Without it,
//! it starts the bundled mock server in process, whose built-in model echoes
//! the text part, and shows the image part the mock received. The bytes are
//! those of the file given as argument (PNG, JPEG, GIF or WebP), else a tiny
//! built-in PNG.

use openai::prelude::*;

/// A 4x4 red and blue checkerboard, as PNG.
const CHECKERBOARD_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x08, 0x02, 0x00, 0x00, 0x00, 0x26, 0x93, 0x09,
    0x29, 0x00, 0x00, 0x00, 0x16, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xf8, 0xcf, 0x00, 0x04,
    0xff, 0x21, 0x24, 0x82, 0xf5, 0x1f, 0xca, 0xc5, 0x2a, 0x03, 0x00, 0x9e, 0xa3, 0x0f, 0xf1, 0xdd,
    0x56, 0x5c, 0xee, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A hosted image (the one OpenAI's vision guide uses).
const IMAGE_URL: &str = "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/640px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = openai_examples::client().await?;
    let model = openai_examples::model();

    // A hosted image: the API downloads it.
    let prompt = "What is in this image? Answer in one sentence.";
    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            &model,
            [ChatMessage::user([
                ContentPart::text(prompt),
                ContentPart::image_url(IMAGE_URL),
            ])],
        ))
        .await?;
    println!(
        "by URL: {}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );

    // An image as bytes: read from a file here, sent as a base64 data URL.
    let (media_type, bytes) = match std::env::args_os().nth(1) {
        Some(path) => {
            let path = std::path::PathBuf::from(path);
            let media_type = match path.extension().and_then(|e| e.to_str()) {
                Some("jpg" | "jpeg") => "image/jpeg",
                Some("gif") => "image/gif",
                Some("webp") => "image/webp",
                _ => "image/png",
            };
            (media_type, std::fs::read(&path)?)
        }
        None => ("image/png", CHECKERBOARD_PNG.to_vec()),
    };
    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            &model,
            [ChatMessage::user([
                ContentPart::text("Which colours does this image have?"),
                ContentPart::image_bytes(media_type, &bytes),
            ])],
        ))
        .await?;
    println!(
        "by bytes ({} bytes of {media_type}): {}",
        bytes.len(),
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );

    if let Some(server) = &mock {
        // What went over the wire: the second part of the last request.
        let requests = server.requests();
        let sent = requests.last().map(|r| r.json()).unwrap_or_default();
        let url = sent["messages"][0]["content"][1]["image_url"]["url"]
            .as_str()
            .unwrap_or_default();
        println!(
            "the mock received an image_url part: {}... ({} characters)",
            &url[..url.len().min(40)],
            url.len()
        );
        openai_examples::ensure(
            url.starts_with(&format!("data:{media_type};base64,")),
            "the image bytes were not sent as a data URL",
        )?;
    }
    Ok(())
}
