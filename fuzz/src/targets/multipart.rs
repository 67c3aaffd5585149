//! The multipart encoder (`openai_core::__fuzz::multipart`, the uploads'
//! `Form`): params' text fields and in-memory files. Asserts the body parses
//! back into exactly the parts (names escaped as the HTML standard says,
//! values byte for byte), the boundary occurs only as a delimiter, and the
//! errors are the documented ones.

use openai_core::__fuzz::{FilePart, multipart};
use serde_json::Value;

use super::values::{bracket_pairs, string, value_of};
use crate::rng::Rng;

pub(crate) const TOKENS: &[&[u8]] = &[
    b"--",
    b"\r\n--",
    b"\r\n\r\n",
    b"Content-Disposition: form-data; name=\"x\"",
    b"boundary=",
    b"\"purpose\":\"fine-tune\"",
];

pub(crate) fn seeds() -> Vec<Vec<u8>> {
    crate::corpus::bytes_of(&[
        r#"{"purpose":"fine-tune"}"#,
        r#"{"purpose":"batch","expires_after":{"anchor":"created_at","seconds":3600}}"#,
        r#"{"model":"whisper-1","timestamp_granularities":["word","segment"],"temperature":0.2}"#,
        r#"{"name\"with\r\nbreaks":"value\r\n--not-a-boundary\r\n","\u00e9":"\u4e16"}"#,
        "{}",
        "null",
        "[]",
    ])
}

/// A part as the body must carry it.
#[derive(Debug, PartialEq, Eq)]
struct Part {
    head: String,
    body: Vec<u8>,
}

/// The HTML standard's escaping of names in a form's headers (and httpx's
/// of the other control characters).
fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("%22"),
            c if c.is_ascii_control() => out.push_str(&format!("%{:02X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

fn files(rng: &mut Rng) -> Vec<FilePart> {
    (0..rng.below(4))
        .map(|_| {
            let name_len = rng.below(8);
            let file_len = rng.below(12);
            let mime = match rng.below(4) {
                0 => string(rng, 6),
                1 => "application/jsonl".to_owned(),
                2 => "image/png".to_owned(),
                _ => format!("text/plain; charset={}", string(rng, 3)),
            };
            let mut bytes: Vec<u8> = (0..rng.below(64)).map(|_| rng.byte()).collect();
            if rng.one_in(2) {
                let at = rng.below(bytes.len() + 1);
                bytes.splice(at..at, b"\r\n--\r\n\r\n".iter().copied());
            }
            FilePart {
                name: string(rng, name_len),
                file_name: string(rng, file_len),
                mime,
                bytes,
            }
        })
        .collect()
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

pub(crate) fn run(input: &[u8], aux: u64) {
    let params = value_of(input);
    let mut rng = Rng::new(aux);
    let files = files(&mut rng);
    let got = multipart(&params, &files);

    let fields = match &params {
        Value::Object(map) => bracket_pairs(map),
        Value::Null => Vec::new(),
        _ => {
            assert!(got.is_err(), "params that are not an object were encoded");
            return;
        }
    };
    if files.iter().any(|f| f.mime.chars().any(char::is_control)) {
        assert!(
            got.is_err(),
            "a MIME type with a control character was sent"
        );
        return;
    }
    let (body, content_type) = got.unwrap_or_else(|e| panic!("a valid form failed: {e}"));

    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("content type {content_type:?}"));
    assert_eq!(boundary.len(), 32, "boundary {boundary:?}");
    assert!(
        boundary.bytes().all(|b| b.is_ascii_hexdigit()),
        "boundary {boundary:?}"
    );

    let mut want: Vec<Part> = fields
        .into_iter()
        .map(|(name, value)| Part {
            head: format!("Content-Disposition: form-data; name=\"{}\"", escape(&name)),
            body: value.into_bytes(),
        })
        .collect();
    want.extend(files.iter().map(|f| Part {
        head: format!(
            "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}",
            escape(&f.name),
            escape(&f.file_name),
            f.mime
        ),
        body: f.bytes.clone(),
    }));

    // The boundary occurs once per part and once at the end, nowhere else.
    let dash = format!("--{boundary}");
    assert_eq!(
        count(&body, dash.as_bytes()),
        want.len() + 1,
        "the boundary inside a part"
    );

    // Parse it back: `--b\r\n head \r\n\r\n body \r\n` per part, then `--b--\r\n`.
    let mut parts = Vec::new();
    let mut at = 0;
    let open = format!("{dash}\r\n");
    let delimiter = format!("\r\n{dash}");
    while body[at..].starts_with(open.as_bytes()) {
        at += open.len();
        let head_end = find(&body, b"\r\n\r\n", at).expect("the end of a part's head");
        let head = std::str::from_utf8(&body[at..head_end])
            .expect("a head is UTF-8")
            .to_owned();
        at = head_end + 4;
        let end = find(&body, delimiter.as_bytes(), at).expect("the delimiter after a part");
        parts.push(Part {
            head,
            body: body[at..end].to_vec(),
        });
        at = end + 2;
    }
    assert_eq!(
        &body[at..],
        format!("{dash}--\r\n").as_bytes(),
        "the closing delimiter"
    );
    assert_eq!(parts, want, "the body does not parse back into the parts");
    for part in &parts {
        let first = part.head.lines().next().unwrap_or_default();
        assert!(!first.contains('\r') && !first.contains('\n'));
    }
}
