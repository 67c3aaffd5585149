use std::io::Write;
use std::path::PathBuf;

use http_body_util::BodyExt;

use super::*;

/// A file under the temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("openai-mp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn fixed(mut form: Form) -> Form {
    form.boundary = "BOUNDARY".into();
    form
}

async fn read(body: Body) -> Bytes {
    body.collect().await.unwrap().to_bytes()
}

fn message(err: Error) -> String {
    match err {
        Error::InvalidRequest(e) => e.message().to_owned(),
        other => panic!("not an invalid request: {other:?}"),
    }
}

#[tokio::test]
async fn case_8_2_a_small_form_has_the_exact_layout() {
    let mut form = fixed(Form::new());
    form.text("purpose", "fine-tune")
        .file("file", &FileUpload::bytes("train.json", "{}"));
    let (body, content_type) = form.into_body().unwrap();
    assert_eq!(content_type, "multipart/form-data; boundary=BOUNDARY");
    let expected = "--BOUNDARY\r\n\
        Content-Disposition: form-data; name=\"purpose\"\r\n\
        \r\n\
        fine-tune\r\n\
        --BOUNDARY\r\n\
        Content-Disposition: form-data; name=\"file\"; filename=\"train.json\"\r\n\
        Content-Type: application/json\r\n\
        \r\n\
        {}\r\n\
        --BOUNDARY--\r\n";
    assert_eq!(
        http_body::Body::size_hint(&body).exact(),
        Some(expected.len() as u64)
    );
    assert_eq!(read(body).await, expected);
}

#[tokio::test]
async fn case_8_2_params_come_first_then_files() {
    #[derive(Serialize)]
    struct Params {
        model: &'static str,
        #[serde(skip)]
        #[allow(dead_code, reason = "the file travels as a part, not a field")]
        file: FileUpload,
        timestamp_granularities: Vec<&'static str>,
        temperature: Option<f64>,
    }
    let params = Params {
        model: "whisper-1",
        file: FileUpload::bytes("a.wav", "RIFF"),
        timestamp_granularities: vec!["word", "segment"],
        temperature: None,
    };
    let mut form = fixed(Form::new());
    form.fields_from(&params, &[]).unwrap();
    form.file("file", &params.file);
    let text = String::from_utf8(read(form.into_body().unwrap().0).await.to_vec()).unwrap();
    let names: Vec<&str> = text
        .split("; name=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(
        names,
        [
            "model",
            "timestamp_granularities[]",
            "timestamp_granularities[]",
            "file"
        ]
    );
    assert!(text.contains("filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n"));
}

#[tokio::test]
async fn case_14_1_a_path_upload_is_read_from_disk_on_every_attempt() {
    let file = TempFile::new("notes.txt", b"first");
    let mut form = fixed(Form::new());
    form.file("file", &FileUpload::path(&file.0));
    let (body, _) = form.into_body().unwrap();
    let (retry, redirect) = (body.try_clone().unwrap(), body.try_clone().unwrap());
    let first = read(body).await;
    assert!(first.ends_with(b"Content-Type: text/plain\r\n\r\nfirst\r\n--BOUNDARY--\r\n"));
    assert_eq!(read(retry).await, first);
    // Same length, new content: a copy reads the disk again.
    std::fs::write(&file.0, b"again").unwrap();
    let again = read(redirect).await;
    assert!(again.ends_with(b"\r\nagain\r\n--BOUNDARY--\r\n"));
}

/// tests-to-match 14.1: a file given by its path is sent under its file
/// name, with the file's bytes.
#[tokio::test]
async fn case_14_1_a_path_is_sent_under_its_file_name_with_its_bytes() {
    let file = TempFile::new("README.md", b"# openai-rs\n");
    let mut form = fixed(Form::new());
    form.file("file", &FileUpload::path(&file.0));
    let text = String::from_utf8(read(form.into_body().unwrap().0).await.to_vec()).unwrap();
    assert!(
        text.starts_with(
            "--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"README.md\"\r\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("\r\n\r\n# openai-rs\n\r\n--BOUNDARY--\r\n"),
        "{text}"
    );
}

#[test]
fn a_missing_file_fails_before_anything_is_sent() {
    let missing = std::env::temp_dir().join("openai-mp-no-such-dir/data.jsonl");
    let mut form = Form::new();
    form.text("purpose", "batch")
        .file("file", &FileUpload::path(&missing));
    let err = message(form.into_body().unwrap_err());
    assert!(err.contains("does not exist"), "{err}");
    assert!(err.contains(&missing.display().to_string()), "{err}");

    let dir = std::env::temp_dir();
    let mut form = Form::new();
    form.file("file", &FileUpload::path(&dir));
    let err = message(form.into_body().unwrap_err());
    assert!(err.contains("not a regular file"), "{err}");
}

#[tokio::test]
async fn names_are_escaped_and_mime_types_checked() {
    let mut form = fixed(Form::new());
    form.text("a\"b\r\nc", "v").file(
        "f",
        &FileUpload::bytes("x\"y\n.txt", "z").with_file_name("q\"\r.md"),
    );
    let text = read(form.into_body().unwrap().0).await;
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains("name=\"a%22b%0D%0Ac\"\r\n"), "{text}");
    assert!(
        text.contains("filename=\"q%22%0D.md\"\r\nContent-Type: text/markdown"),
        "{text}"
    );

    let mut form = Form::new();
    form.file(
        "f",
        &FileUpload::bytes("a", "").mime("text/plain\r\nX-Evil: 1"),
    );
    let err = message(form.into_body().unwrap_err());
    assert!(err.contains("control character"), "{err}");
}

#[test]
fn a_form_of_text_fields_is_one_buffer() {
    let mut form = fixed(Form::new());
    form.text("a", "1");
    let (body, _) = form.into_body().unwrap();
    let expected =
        "--BOUNDARY\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--BOUNDARY--\r\n";
    assert_eq!(body.as_bytes().map(|b| &b[..]), Some(expected.as_bytes()));
    let (empty, _) = fixed(Form::new()).into_body().unwrap();
    assert_eq!(
        empty.as_bytes().map(|b| &b[..]),
        Some(&b"--BOUNDARY--\r\n"[..])
    );
}

#[test]
fn boundaries_are_random_hex() {
    let (a, b) = (Form::new().boundary, Form::new().boundary);
    assert_ne!(a, b);
    for boundary in [a, b] {
        assert_eq!(boundary.len(), 32);
        assert!(
            boundary.bytes().all(|c| c.is_ascii_hexdigit()),
            "{boundary}"
        );
    }
}

#[test]
fn debug_shows_names_not_values() {
    let mut form = Form::new();
    form.text("secret_field", "hunter2");
    let shown = format!("{form:?}");
    assert!(shown.contains("secret_field") && !shown.contains("hunter2"));
}

/// The peak resident set of this process, in KiB (Linux only).
#[cfg(target_os = "linux")]
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Set in the child process that [`a_1_gib_file_streams_in_constant_memory`]
/// starts to run [`drain_1_gib_alone`].
#[cfg(target_os = "linux")]
const RSS_CHILD: &str = "OPENAI_MULTIPART_RSS_CHILD";

/// The peak RSS is process-wide and the other tests of this binary run in
/// parallel, so the measurement runs alone, in a child process.
#[cfg(target_os = "linux")]
#[test]
fn a_1_gib_file_streams_in_constant_memory() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "multipart::tests::drain_1_gib_alone"])
        .args(["--ignored", "--nocapture", "--test-threads=1"])
        .env(RSS_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = stdout.lines().find(|l| l.contains("peak RSS grew by"));
    println!("{}", report.unwrap_or("no report"));
    assert!(
        out.status.success() && report.is_some(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(target_os = "linux")]
#[tokio::test]
#[ignore = "run alone by a_1_gib_file_streams_in_constant_memory"]
async fn drain_1_gib_alone() {
    const GIB: u64 = 1 << 30;
    if std::env::var_os(RSS_CHILD).is_none() {
        return;
    }
    let file = TempFile::new("big.bin", b"");
    // Sparse: no disk space used, reads give zeros.
    std::fs::File::options()
        .write(true)
        .open(&file.0)
        .unwrap()
        .set_len(GIB)
        .unwrap();
    let mut form = Form::new();
    form.text("purpose", "batch")
        .file("file", &FileUpload::path(&file.0));
    let (mut body, _) = form.into_body().unwrap();
    let expected = http_body::Body::size_hint(&body).exact().unwrap();
    assert!(expected > GIB);

    let before = peak_rss_kib();
    let started = tokio::time::Instant::now();
    let mut total = 0u64;
    while let Some(frame) = body.frame().await {
        total += frame.unwrap().into_data().unwrap().len() as u64;
    }
    let growth_kib = peak_rss_kib().saturating_sub(before);
    println!(
        "1 GiB file drained in {:?}; peak RSS grew by {growth_kib} KiB",
        started.elapsed()
    );
    assert_eq!(total, expected);
    assert!(growth_kib < 32 * 1024, "peak RSS grew by {growth_kib} KiB");
}

#[test]
fn the_form_helpers_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Form>();
}
