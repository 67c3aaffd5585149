use std::io::Write;
use std::time::Duration;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::{GzEncoder, ZlibEncoder};
use futures_util::StreamExt;
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};
use tokio::sync::mpsc;
use tower::ServiceExt;

use super::*;
use crate::auth::{Credential, Credentials};
use crate::error::{BodyTooLarge, find_source};
use crate::timeout::Elapsed;
use crate::{Body, Stack};

const JSON: &[u8] =
    br#"{"object":"list","data":[{"id":"m1","object":"model","created":1,"owned_by":"openai"}]}"#;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn request() -> HttpRequest {
    http::Request::get("http://x/v1/models")
        .body(Body::empty())
        .unwrap()
}

fn answer(encoding: Option<&str>, body: ResponseBody) -> HttpResponse {
    let mut response = http::Response::builder().status(200);
    if let Some(e) = encoding {
        response = response.header(CONTENT_ENCODING, e);
    }
    response.header("content-length", "999").body(body).unwrap()
}

/// The `Accept-Encoding` of each request a [`server`] saw.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<Option<HeaderValue>>>>;

/// A service answering `body` with `Content-Encoding: encoding`, and recording
/// the request's `Accept-Encoding`.
fn server(
    encoding: Option<&'static str>,
    body: Vec<u8>,
) -> (
    Decompress<impl Service<HttpRequest, Response = HttpResponse, Error = BoxError> + Clone>,
    Seen,
) {
    let seen = Seen::default();
    let record = seen.clone();
    let body = Bytes::from(body);
    let service = tower::service_fn(move |req: HttpRequest| {
        record
            .lock()
            .unwrap()
            .push(req.headers().get(ACCEPT_ENCODING).cloned());
        let body = body.clone();
        async move { Ok::<_, BoxError>(answer(encoding, ResponseBody::full(body))) }
    });
    (Decompress::new(service), seen)
}

async fn read(response: HttpResponse) -> Result<Bytes, BoxError> {
    Ok(response.into_body().collect().await?.to_bytes())
}

#[tokio::test]
async fn asks_for_what_it_decodes_unless_the_request_says_otherwise() {
    let (service, seen) = server(None, JSON.to_vec());
    service.clone().oneshot(request()).await.unwrap();
    let mut own = request();
    own.headers_mut()
        .insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
    service.oneshot(own).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].as_ref().unwrap(), ACCEPT_ENCODING_VALUE);
    assert_eq!(seen[1].as_ref().unwrap(), "identity");
    // reference/client.md 2.1: the HTTP library's list, with br and zstd when
    // their decoders are there.
    let mut expected = String::from("gzip, deflate");
    if cfg!(feature = "brotli") {
        expected.push_str(", br");
    }
    if cfg!(feature = "zstd") {
        expected.push_str(", zstd");
    }
    assert_eq!(ACCEPT_ENCODING_VALUE, expected);
}

#[tokio::test]
async fn gzip_and_deflate_bodies_are_decoded_and_lose_their_wire_headers() {
    for (encoding, body) in [("gzip", gzip(JSON)), ("deflate", zlib(JSON))] {
        let (service, _) = server(Some(encoding), body);
        let response = service.oneshot(request()).await.unwrap();
        assert!(
            response.headers().get(CONTENT_ENCODING).is_none(),
            "{encoding}"
        );
        assert!(
            response.headers().get("content-length").is_none(),
            "{encoding}"
        );
        assert_eq!(read(response).await.unwrap(), JSON, "{encoding}");
    }
}

#[tokio::test]
async fn a_plain_body_passes_through_untouched() {
    for encoding in [None, Some("identity")] {
        let (service, _) = server(encoding, JSON.to_vec());
        let response = service.oneshot(request()).await.unwrap();
        assert_eq!(response.headers()["content-length"], "999");
        // Still the buffered body it was: no decoder in between.
        assert_eq!(response.body().as_bytes(), Some(JSON));
    }
}

#[cfg(feature = "brotli")]
#[tokio::test]
async fn brotli_bodies_are_decoded() {
    let body = include_bytes!("../../tests/data/models.json.br").to_vec();
    let (service, _) = server(Some("br"), body);
    let response = service.oneshot(request()).await.unwrap();
    assert_eq!(read(response).await.unwrap(), JSON);
}

#[cfg(feature = "zstd")]
#[tokio::test]
async fn zstd_bodies_are_decoded() {
    let body = include_bytes!("../../tests/data/models.json.zst").to_vec();
    let (service, _) = server(Some("zstd"), body);
    let response = service.oneshot(request()).await.unwrap();
    assert_eq!(read(response).await.unwrap(), JSON);
}

#[tokio::test]
async fn an_encoding_nobody_decodes_is_a_typed_error() {
    let mut cases = vec!["compress", "gzip, br", "x\tgzip"];
    if !cfg!(feature = "brotli") {
        cases.push("br");
    }
    if !cfg!(feature = "zstd") {
        cases.push("zstd");
    }
    for encoding in cases {
        let (service, _) = server(Some(encoding), JSON.to_vec());
        let err = service.oneshot(request()).await.unwrap_err();
        let unsupported = find_source::<UnsupportedEncoding>(&*err).expect(encoding);
        assert_eq!(unsupported.encoding(), encoding.replace('\t', "?"));
        assert!(!crate::retry::is_retryable_error(&err), "{encoding}");
        if encoding == "br" {
            assert!(
                err.to_string().contains("enable the `brotli` feature"),
                "{err}"
            );
        }
    }
}

#[tokio::test]
async fn corrupt_or_truncated_data_is_an_invalid_encoding_error() {
    let mut flipped = gzip(JSON);
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xff;
    let truncated = gzip(JSON)[..20].to_vec();
    let cases = [
        ("gzip", b"not gzip at all".to_vec()),
        ("gzip", flipped),
        ("gzip", truncated),
        ("deflate", b"\x78\x9c\xff\xff\xff".to_vec()),
    ];
    for (encoding, body) in cases {
        let (service, _) = server(Some(encoding), body.clone());
        let response = service.oneshot(request()).await.unwrap();
        let Err(err) = read(response).await else {
            panic!("{encoding} {body:?} decoded");
        };
        let invalid = find_source::<InvalidEncoding>(&*err)
            .unwrap_or_else(|| panic!("{encoding} {body:?}: {err}"));
        assert_eq!(invalid.encoding(), encoding);
        assert!(!crate::retry::is_retryable_error(&err));
    }
}

/// A streamed body fed from a channel.
fn channel_body() -> (mpsc::Sender<Result<Bytes, BoxError>>, ResponseBody) {
    let (tx, rx) = mpsc::channel::<Result<Bytes, BoxError>>(4);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        let item = rx.recv().await?;
        Some((item.map(Frame::data), rx))
    });
    (tx, ResponseBody::new(StreamBody::new(stream.fuse())))
}

#[tokio::test]
async fn a_compressed_stream_is_decoded_as_it_arrives() {
    let (tx, body) = channel_body();
    let slot = std::sync::Mutex::new(Some(body));
    let service = Decompress::new(tower::service_fn(move |_req: HttpRequest| {
        let body = slot.lock().unwrap().take().unwrap();
        async move { Ok::<_, BoxError>(answer(Some("gzip"), body)) }
    }));
    let mut body = service.oneshot(request()).await.unwrap().into_body();

    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    let mut sent = 0;
    for event in ["data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n"] {
        encoder.write_all(event.as_bytes()).unwrap();
        encoder.flush().unwrap();
        let out = encoder.get_ref()[sent..].to_vec();
        sent += out.len();
        tx.send(Ok(Bytes::from(out))).await.unwrap();
        // The event comes out before the stream goes on.
        let mut decoded = Vec::new();
        while decoded.len() < event.len() {
            let frame = body.frame().await.unwrap().unwrap();
            decoded.extend_from_slice(&frame.into_data().unwrap());
        }
        assert_eq!(decoded, event.as_bytes());
    }
    let rest = encoder.finish().unwrap()[sent..].to_vec();
    tx.send(Ok(Bytes::from(rest))).await.unwrap();
    drop(tx);
    while let Some(frame) = body.frame().await {
        assert!(frame.unwrap().into_data().unwrap().is_empty());
    }
}

#[tokio::test]
async fn errors_of_the_body_underneath_come_out_unchanged() {
    let (tx, body) = channel_body();
    let slot = std::sync::Mutex::new(Some(body));
    let service = Decompress::new(tower::service_fn(move |_req: HttpRequest| {
        let body = slot.lock().unwrap().take().unwrap();
        async move { Ok::<_, BoxError>(answer(Some("gzip"), body)) }
    }));
    let body = service.oneshot(request()).await.unwrap().into_body();
    let compressed = gzip(JSON);
    tx.send(Ok(Bytes::copy_from_slice(&compressed[..10])))
        .await
        .unwrap();
    tx.send(Err(Box::new(Elapsed::new()))).await.unwrap();
    let err = body.collect().await.unwrap_err();
    assert!(err.is::<Elapsed>(), "{err:?}");
}

#[tokio::test]
async fn the_stack_caps_the_decoded_size_of_a_gzip_bomb() {
    // 16 MiB of zeros in 16 KiB of gzip.
    let bomb = Bytes::from_static(include_bytes!("../../tests/data/zeros-16MiB.gz"));
    let service = tower::service_fn(move |_req: HttpRequest| {
        let bomb = bomb.clone();
        async move { Ok::<_, BoxError>(answer(Some("gzip"), ResponseBody::full(bomb))) }
    });
    let stack = Stack::new()
        .http_service(service)
        .credentials(Credentials::new().api_key(Credential::bearer("sk-test").unwrap()))
        .max_body_size(1 << 20)
        .max_retries(0)
        .build()
        .unwrap();
    let request = http::Request::get("http://x/v1/models")
        .body(Body::empty())
        .unwrap();
    let err = stack.oneshot(request).await.unwrap_err();
    let too_large = find_source::<BodyTooLarge>(&*err).expect("BodyTooLarge");
    assert_eq!(too_large.limit(), 1 << 20);
}

#[tokio::test(start_paused = true)]
async fn the_stack_decodes_buffered_and_error_bodies() {
    let service = tower::service_fn(|req: HttpRequest| async move {
        let status = if req.uri().path() == "/err" { 500 } else { 200 };
        let body = ResponseBody::full(gzip(JSON));
        let response = http::Response::builder()
            .status(status)
            .header(CONTENT_ENCODING, "gzip")
            .body(body)
            .unwrap();
        // The stack hands the service the Accept-Encoding it asked with.
        assert_eq!(req.headers()[ACCEPT_ENCODING], ACCEPT_ENCODING_VALUE);
        tokio::time::sleep(Duration::from_millis(1)).await;
        Ok::<_, BoxError>(response)
    });
    let stack = Stack::new()
        .http_service(service)
        .credentials(Credentials::new().api_key(Credential::bearer("sk-test").unwrap()))
        .max_retries(0)
        .build()
        .unwrap();
    for path in ["/ok", "/err"] {
        let request = http::Request::get(format!("http://x{path}"))
            .body(Body::empty())
            .unwrap();
        let response = stack.clone().oneshot(request).await.unwrap();
        assert_eq!(response.body().as_bytes(), Some(JSON), "{path}");
    }
}
