use std::sync::atomic::{AtomicUsize, Ordering};

use http_body_util::{BodyExt, StreamBody};
use tower::{Layer, ServiceExt};

use super::*;
use crate::error::{Permanent, find_source};
use crate::retry::{RetryLayer, is_retryable_error};
use crate::{Body, HttpRequest, ResponseBody};

/// Yields `chunks`, then fails when `fail` says so; counts its opens.
struct Chunks {
    chunks: &'static [&'static [u8]],
    fail: Option<fn() -> BoxError>,
    opens: AtomicUsize,
}

#[derive(Debug)]
struct ReadFailed;

impl fmt::Display for ReadFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("read failed")
    }
}

impl std::error::Error for ReadFailed {}

impl Chunks {
    fn new(chunks: &'static [&'static [u8]]) -> Arc<Self> {
        Arc::new(Self {
            chunks,
            fail: None,
            opens: AtomicUsize::new(0),
        })
    }

    fn failing(fail: fn() -> BoxError) -> Arc<Self> {
        Arc::new(Self {
            chunks: &[b"partial "],
            fail: Some(fail),
            opens: AtomicUsize::new(0),
        })
    }

    fn opens(&self) -> usize {
        self.opens.load(Ordering::SeqCst)
    }
}

impl BodySource for Chunks {
    fn open(&self) -> SourceStream {
        self.opens.fetch_add(1, Ordering::SeqCst);
        let mut frames: Vec<Result<Frame<Bytes>, BoxError>> = self
            .chunks
            .iter()
            .map(|c| Ok(Frame::data(Bytes::from_static(c))))
            .collect();
        if let Some(fail) = self.fail {
            frames.push(Err(fail()));
        }
        Box::pin(StreamBody::new(futures_util::stream::iter(frames)))
    }

    fn size_hint(&self) -> SizeHint {
        // A failing source's length is unknown: with an exact one, hyper
        // would stop polling once it has that many bytes.
        match self.fail {
            Some(_) => SizeHint::default(),
            None => SizeHint::with_exact(self.chunks.iter().map(|c| c.len() as u64).sum()),
        }
    }
}

const HELLO: &[&[u8]] = &[b"hello ", b"streamed ", b"world"];

#[test]
fn body_is_send_sync_static() {
    fn check<T: Send + Sync + 'static>() {}
    check::<Body>();
}

#[tokio::test]
async fn clone_then_read_twice_yields_the_same_bytes_twice() {
    let source = Chunks::new(HELLO);
    let body = Body::from_source(source.clone());
    let copy = body.try_clone().unwrap();
    assert_eq!(source.opens(), 0, "copies open nothing until polled");
    assert!(body.as_bytes().is_none());
    assert_eq!(
        body.collect().await.unwrap().to_bytes(),
        "hello streamed world"
    );
    assert_eq!(
        copy.collect().await.unwrap().to_bytes(),
        "hello streamed world"
    );
    assert_eq!(source.opens(), 2);
}

#[tokio::test]
async fn size_hint_is_exact_and_counts_down() {
    let mut body = Body::from_source(Chunks::new(HELLO));
    assert_eq!(http_body::Body::size_hint(&body).exact(), Some(20));
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, "hello ");
    assert_eq!(http_body::Body::size_hint(&body).exact(), Some(14));
    assert!(!http_body::Body::is_end_stream(&body));
    while body.frame().await.is_some() {}
    assert!(http_body::Body::is_end_stream(&body));
    assert_eq!(http_body::Body::size_hint(&body).exact(), Some(0));
    // A copy of a drained body starts over.
    let again = body.try_clone().unwrap();
    assert_eq!(http_body::Body::size_hint(&again).exact(), Some(20));
}

#[tokio::test]
async fn a_read_error_is_the_body_error() {
    let source = Chunks::failing(|| Box::new(ReadFailed));
    let mut body = Body::from_source(source.clone());
    assert!(body.frame().await.unwrap().is_ok());
    let err = body.frame().await.unwrap().unwrap_err();
    assert!(err.is::<ReadFailed>());
    assert!(
        body.frame().await.is_none(),
        "the body ends after its error"
    );
}

/// Sends each attempt's body through a service that reads it all, as the
/// HTTP client does; a body error fails the attempt.
async fn send_with_retries(source: Arc<Chunks>) -> Result<(), BoxError> {
    let inner = tower::service_fn(|req: HttpRequest| async move {
        req.into_body().collect().await?;
        Ok::<_, BoxError>(http::Response::new(ResponseBody::empty()))
    });
    let req = http::Request::post("http://x/")
        .body(Body::from_source(source))
        .unwrap();
    RetryLayer::new(2).layer(inner).oneshot(req).await.map(drop)
}

#[tokio::test(start_paused = true)]
async fn a_read_error_is_retried_up_to_the_limit() {
    let source = Chunks::failing(|| Box::new(ReadFailed));
    let err = send_with_retries(source.clone()).await.unwrap_err();
    assert!(find_source::<ReadFailed>(&*err).is_some());
    assert_eq!(source.opens(), 3, "one attempt and two retries, no more");
}

#[tokio::test(start_paused = true)]
async fn a_permanent_read_error_is_not_retried() {
    let source = Chunks::failing(|| Box::new(Permanent::new(ReadFailed)));
    let err = send_with_retries(source.clone()).await.unwrap_err();
    assert!(!is_retryable_error(&err));
    assert_eq!(source.opens(), 1);
}

#[tokio::test(start_paused = true)]
async fn case_8_4_a_good_source_is_sent_once() {
    let source = Chunks::new(HELLO);
    send_with_retries(source.clone()).await.unwrap();
    assert_eq!(source.opens(), 1);
}

#[tokio::test]
async fn a_307_redirect_reads_the_source_again() {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&bodies);
    let inner = tower::service_fn(move |req: HttpRequest| {
        let log = Arc::clone(&log);
        async move {
            let path = req.uri().path().to_owned();
            let bytes = req.into_body().collect().await?.to_bytes();
            log.lock().unwrap().push(bytes);
            let status = if path == "/start" { 307 } else { 200 };
            Ok::<_, BoxError>(
                http::Response::builder()
                    .status(status)
                    .header("location", "/end")
                    .body(ResponseBody::empty())
                    .unwrap(),
            )
        }
    });
    let source = Chunks::new(HELLO);
    let req = http::Request::post("http://x.test/start")
        .body(Body::from_source(source.clone()))
        .unwrap();
    let svc = crate::redirect::FollowRedirectLayer::new().layer(inner);
    assert_eq!(svc.oneshot(req).await.unwrap().status(), 200);
    assert_eq!(*bodies.lock().unwrap(), ["hello streamed world"; 2]);
    assert_eq!(source.opens(), 2);
}

/// Reads one request from `stream`: the head (lowercase) and the body
/// its `content-length` announces; the body is `None` on EOF first.
async fn read_request(stream: &mut tokio::net::TcpStream) -> (String, Option<Vec<u8>>) {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            while buf.len() < end + 4 + len {
                if stream.read_buf(&mut buf).await.unwrap() == 0 {
                    return (head, None);
                }
            }
            return (head, Some(buf[end + 4..].to_vec()));
        }
        if stream.read_buf(&mut buf).await.unwrap() == 0 {
            return (String::from_utf8_lossy(&buf).into_owned(), None);
        }
    }
}

async fn post_over_tcp(source: Arc<Chunks>) -> (Result<(), BoxError>, String, Option<Vec<u8>>) {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let (head, body) = read_request(&mut stream).await;
        if body.is_some() {
            let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
            stream.write_all(ok).await.unwrap();
        }
        (head, body)
    });
    let client = crate::connect::HttpClient::builder()
        .no_proxy()
        .build()
        .unwrap();
    let req = http::Request::post(format!("http://{addr}/upload"))
        .body(Body::from_source(source))
        .unwrap();
    let sent = tokio::time::timeout(std::time::Duration::from_secs(10), client.oneshot(req))
        .await
        .expect("the request finishes");
    let (head, body) = server.await.unwrap();
    (sent.map(drop), head, body)
}

#[tokio::test]
async fn case_8_3_hyper_sends_the_exact_length_as_content_length() {
    let source = Chunks::new(HELLO);
    let (sent, head, body) = post_over_tcp(source.clone()).await;
    sent.unwrap();
    assert!(head.contains("content-length: 20"), "{head}");
    assert!(!head.contains("transfer-encoding"), "{head}");
    assert_eq!(body.as_deref(), Some(&b"hello streamed world"[..]));
    assert_eq!(source.opens(), 1);
}

#[tokio::test]
async fn hyper_fails_the_request_with_the_read_error() {
    let source = Chunks::failing(|| Box::new(Permanent::new(ReadFailed)));
    let (sent, _, body) = post_over_tcp(source).await;
    let err = sent.unwrap_err();
    assert!(body.is_none(), "the server never got a whole body");
    assert!(find_source::<ReadFailed>(&*err).is_some(), "{err:?}");
    assert!(!is_retryable_error(&err));
}
