use std::sync::atomic::{AtomicUsize, Ordering};

use http_body_util::Full;

use super::*;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A backend answering `body` with `status`, counting its calls.
#[derive(Clone)]
struct Backend {
    status: u16,
    body: Bytes,
    content_type: &'static str,
    calls: Arc<AtomicUsize>,
}

impl Backend {
    fn new(status: u16, body: impl Into<Bytes>, content_type: &'static str) -> Self {
        Self {
            status,
            body: body.into(),
            content_type,
            calls: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Service<Request<Full<Bytes>>> for Backend {
    type Response = Response<Full<Bytes>>;
    type Error = Error;
    type Future = std::future::Ready<Result<Response<Full<Bytes>>, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: Request<Full<Bytes>>) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let response = Response::builder()
            .status(self.status)
            .header("content-type", self.content_type)
            .header("x-request-id", "req_123")
            .header("set-cookie", "session=secret-cookie")
            .header("content-length", self.body.len().to_string())
            .body(Full::new(self.body.clone()))
            .unwrap();
        std::future::ready(Ok(response))
    }
}

fn temp_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "openai-mock-cassette-{}-{name}.json",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    path
}

fn post(path: &str, body: &str) -> Request<Full<Bytes>> {
    Request::post(format!("https://api.openai.com{path}"))
        .header("authorization", "Bearer sk-secret-key")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::copy_from_slice(body.as_bytes())))
        .unwrap()
}

async fn send<S>(service: &mut S, req: Request<Full<Bytes>>) -> Result<(u16, Bytes), Error>
where
    S: Service<Request<Full<Bytes>>, Response = Response<Full<Bytes>>, Error = Error>,
{
    std::future::poll_fn(|cx| service.poll_ready(cx)).await?;
    let response = service.call(req).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Ok((status, body))
}

const ANSWER: &str = r#"{"id":"chatcmpl-1","object":"chat.completion","choices":[]}"#;

#[tokio::test]
async fn a_recorded_call_replays_without_the_backend_and_without_secrets() {
    let path = temp_path("roundtrip");
    let backend = Backend::new(200, ANSWER, "application/json");
    let recorder = Cassette::open(&path, Mode::Record).unwrap();
    let mut service = recorder.layer().layer(backend.clone());
    let (status, body) = send(
        &mut service,
        post("/v1/chat/completions", r#"{"model":"m","n":1}"#),
    )
    .await
    .unwrap();
    assert_eq!((status, &body[..]), (200, ANSWER.as_bytes()));
    assert_eq!(backend.calls(), 1);

    let file = std::fs::read_to_string(&path).unwrap();
    assert!(!file.contains("sk-secret-key"), "{file}");
    assert!(!file.contains("secret-cookie"), "{file}");
    assert!(file.contains("req_123"), "{file}");
    let parsed: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(
        parsed["interactions"][0]["request"]["body"]["json"]["model"],
        "m"
    );

    let replayer = Cassette::open(&path, Mode::Replay).unwrap();
    assert_eq!(replayer.len(), 1);
    let offline = Backend::new(500, "must not be called", "text/plain");
    let mut service = replayer.layer().layer(offline.clone());
    // Same body, other key order: a match.
    let (status, body) = send(
        &mut service,
        post("/v1/chat/completions", r#"{"n":1,"model":"m"}"#),
    )
    .await
    .unwrap();
    assert_eq!(status, 200);
    // JSON is stored as JSON: the same values come back, compact.
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        serde_json::from_str::<Value>(ANSWER).unwrap()
    );
    assert_eq!(offline.calls(), 0);

    let err = send(
        &mut service,
        post("/v1/chat/completions", r#"{"model":"other"}"#),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err.downcast_ref::<CassetteError>(),
            Some(CassetteError::NoMatch { .. })
        ),
        "{err}"
    );
    assert_eq!(offline.calls(), 0);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn matching_calls_replay_in_order_then_the_last_again() {
    let path = temp_path("order");
    let recorder = Cassette::open(&path, Mode::Record).unwrap();
    for (n, answer) in ["first", "second"].into_iter().enumerate() {
        let mut service = recorder.layer().layer(Backend::new(
            200,
            format!("\"{answer}\""),
            "application/json",
        ));
        let (_, body) = send(&mut service, post("/v1/x", "{}")).await.unwrap();
        assert_eq!(body, format!("\"{answer}\""), "call {n}");
    }
    let replayer = Cassette::open(&path, Mode::Replay).unwrap();
    let mut service = replayer.layer().layer(Backend::new(500, "", "text/plain"));
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(send(&mut service, post("/v1/x", "{}")).await.unwrap().1);
    }
    assert_eq!(answers, ["\"first\"", "\"second\"", "\"second\""]);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn auto_replays_what_it_has_and_records_the_rest() {
    let path = temp_path("auto");
    let backend = Backend::new(200, "{\"ok\":true}", "application/json");
    let auto = Cassette::open(&path, Mode::Auto).unwrap();
    let mut service = auto.layer().layer(backend.clone());
    send(&mut service, post("/v1/a", "{}")).await.unwrap();
    send(&mut service, post("/v1/a", "{}")).await.unwrap();
    assert_eq!(backend.calls(), 1, "the second call was replayed");
    send(&mut service, post("/v1/b", "{}")).await.unwrap();
    assert_eq!(backend.calls(), 2);
    assert_eq!(Cassette::open(&path, Mode::Replay).unwrap().len(), 2);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn multipart_forms_match_whatever_their_boundary_and_binary_bodies_survive() {
    let path = temp_path("multipart");
    let binary: Vec<u8> = (0..=255).collect();
    let form = |boundary: &str| {
        let body = format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--{boundary}--\r\n"
        );
        Request::post("http://localhost/v1/files")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Full::new(Bytes::from(body)))
            .unwrap()
    };
    let recorder = Cassette::open(&path, Mode::Record).unwrap();
    let mut service = recorder.layer().layer(Backend::new(
        200,
        binary.clone(),
        "application/octet-stream",
    ));
    send(&mut service, form("aaaa1111")).await.unwrap();

    let replayer = Cassette::open(&path, Mode::Replay).unwrap();
    let mut service = replayer.layer().layer(Backend::new(500, "", "text/plain"));
    let (_, body) = send(&mut service, form("bbbb2222")).await.unwrap();
    assert_eq!(body, binary);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_file_that_is_not_a_cassette_is_refused() {
    let path = temp_path("invalid");
    std::fs::write(&path, "{\"not\": \"a cassette\"}").unwrap();
    let err = Cassette::open(&path, Mode::Replay).unwrap_err();
    assert!(matches!(err, CassetteError::Invalid(..)), "{err}");
    let _ = std::fs::remove_file(&path);
    let empty = Cassette::open(temp_path("missing"), Mode::Replay).unwrap();
    assert!(empty.is_empty());
}

#[test]
fn hex_round_trips() {
    let bytes: Vec<u8> = (0..=255).collect();
    assert_eq!(unhex(&hex(&bytes)).unwrap(), bytes);
    assert_eq!(unhex("abc"), None);
    assert_eq!(unhex("zz"), None);
}
