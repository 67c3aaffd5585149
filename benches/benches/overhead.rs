//! Where the SDK's time goes, without sockets: diagnostics beside the
//! `chat` and `sse` benchmarks, in wall time on a current-thread runtime.
//!
//! - `overhead/chat/{sdk,floor}`: one call; the SDK through its whole stack
//!   over an in-memory HTTP service that answers with the mock's bytes, the
//!   floor serializing its params, building the `http::Request` and parsing
//!   the same bytes.
//! - `overhead/decode_completion/{sdk_type,floor_type}`: `serde_json` into
//!   `ChatCompletion` and into the floor's minimal struct.
//! - `overhead/sse_per_frame={1,64}/{sdk,floor}`: a stream of the mock's
//!   chunk events, per event; the SDK through `create_stream` over the
//!   in-memory service, the floor through its line splitter.
//! - `overhead/sse_decoder_only/per_frame=64`: the SDK's SSE `Decoder`
//!   alone, per event.
//! - `overhead/decode_chunk/{sdk_type,floor_type}`: one event's JSON into
//!   `ChatCompletionChunk` and into the floor's minimal struct.

use std::convert::Infallible;
use std::hint::black_box;
use std::task::{Context, Poll};

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use futures_util::StreamExt;
use futures_util::future::{Ready, ready};
use http::Request;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http_body_util::{Full, StreamBody};
use hyper::body::Frame;
use openai::sse::Decoder;
use openai::transport::{BoxError, HttpRequest, HttpResponse, ResponseBody};
use openai::types::chat::{ChatCompletion, ChatCompletionChunk};
use openai_benches::floor::{Chunk, Completion, Params, SseParser};
use openai_benches::setup::{Bench, MODEL, PROMPT, sdk_params};
use openai_mock::Mock;
use tokio::runtime::Runtime;

/// Events per in-memory stream.
const EVENTS: usize = 6_400;

/// The `[DONE]` event that ends a chat stream.
const DONE: &[u8] = b"data: [DONE]\n\n";

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let bytes = MockBytes::fetch();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    chat(&mut c, &rt, &bytes);
    sse(&mut c, &rt, &bytes);
    c.final_summary();
}

/// Bodies as the mock sends them.
struct MockBytes {
    completion: Bytes,
    /// One chunk event, `data: {...}\n\n`.
    event: Bytes,
}

impl MockBytes {
    fn fetch() -> Self {
        let bench = Bench::new();
        bench.answer_with(Mock::chat_completion("Hello from the mock"));
        let floor = bench.clients.floor.clone();
        let completion = bench.run(async move {
            floor
                .chat_bytes(Params::new(MODEL, PROMPT, false))
                .await
                .expect("completion")
        });
        bench.answer_with(Mock::chat_stream_repeat(1, 1));
        let floor = bench.clients.floor.clone();
        let stream = bench.run(async move {
            floor
                .chat_bytes(Params::new(MODEL, PROMPT, true))
                .await
                .expect("stream")
        });
        let event = stream.slice(..stream.len() - DONE.len());
        Self { completion, event }
    }

    /// The frames of a stream of [`EVENTS`] events, `per_frame` per frame.
    fn frames(&self, per_frame: usize) -> Vec<Bytes> {
        let block: Vec<u8> = self.event.repeat(per_frame);
        let block = Bytes::from(block);
        let mut frames = vec![block; EVENTS / per_frame];
        frames.push(Bytes::from_static(DONE));
        frames
    }
}

/// An HTTP service answering every request at once with a fixed body.
#[derive(Clone)]
enum Canned {
    Full(Bytes),
    Frames(Vec<Bytes>),
}

impl tower::Service<HttpRequest> for Canned {
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Ready<Result<HttpResponse, BoxError>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: HttpRequest) -> Self::Future {
        let body = match self {
            Self::Full(bytes) => ResponseBody::full(bytes.clone()),
            Self::Frames(frames) => {
                let frames = frames
                    .clone()
                    .into_iter()
                    .map(|f| Ok::<_, Infallible>(Frame::data(f)));
                ResponseBody::new(StreamBody::new(futures_util::stream::iter(frames)))
            }
        };
        let response = http::Response::builder()
            .header("x-request-id", "req_mock_1")
            .body(body)
            .expect("a valid response");
        ready(Ok(response))
    }
}

fn sdk_over(service: Canned) -> openai::Client {
    openai::Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9/v1")
        .max_retries(0)
        .http_service(service)
        .build()
        .expect("SDK client")
}

fn chat(c: &mut Criterion, rt: &Runtime, bytes: &MockBytes) {
    let sdk = sdk_over(Canned::Full(bytes.completion.clone()));
    let mut group = c.benchmark_group("overhead");
    group.throughput(Throughput::Elements(1));
    group.bench_function("chat/sdk", |b| {
        b.iter(|| {
            rt.block_on(async {
                black_box(
                    sdk.chat()
                        .completions()
                        .create(sdk_params())
                        .await
                        .expect("call"),
                )
            })
        });
    });
    let uri: http::Uri = "http://127.0.0.1:9/v1/chat/completions"
        .parse()
        .expect("uri");
    group.bench_function("chat/floor", |b| {
        b.iter(|| {
            let body = serde_json::to_vec(&Params::new(MODEL, PROMPT, false)).expect("json");
            let request = Request::post(uri.clone())
                .header(CONTENT_TYPE, "application/json")
                .header(AUTHORIZATION, "Bearer k")
                .body(Full::new(Bytes::from(body)))
                .expect("request");
            black_box(request);
            let completion: Completion =
                serde_json::from_slice(black_box(&bytes.completion)).expect("json");
            black_box(completion)
        });
    });
    group.bench_function("decode_completion/sdk_type", |b| {
        b.iter(|| {
            let c: ChatCompletion =
                serde_json::from_slice(black_box(&bytes.completion)).expect("json");
            black_box(c)
        });
    });
    group.bench_function("decode_completion/floor_type", |b| {
        b.iter(|| {
            let c: Completion = serde_json::from_slice(black_box(&bytes.completion)).expect("json");
            black_box(c)
        });
    });
    group.finish();
}

fn sse(c: &mut Criterion, rt: &Runtime, bytes: &MockBytes) {
    let mut group = c.benchmark_group("overhead");
    group.throughput(Throughput::Elements(EVENTS as u64));
    for per_frame in [1, 64] {
        let frames = bytes.frames(per_frame);
        let sdk = sdk_over(Canned::Frames(frames.clone()));
        group.bench_function(format!("sse_per_frame={per_frame}/sdk"), |b| {
            b.iter(|| {
                rt.block_on(async {
                    let stream = sdk.chat().completions().create_stream(sdk_params()).await;
                    let mut stream = stream.expect("stream");
                    let mut n = 0;
                    while let Some(chunk) = stream.next().await {
                        black_box(chunk.expect("chunk"));
                        n += 1;
                    }
                    assert_eq!(n, EVENTS);
                })
            });
        });
        group.bench_function(format!("sse_per_frame={per_frame}/floor"), |b| {
            b.iter(|| {
                let mut parser = SseParser::default();
                let mut each = |chunk: Chunk| {
                    black_box(chunk);
                };
                for frame in &frames {
                    if parser.feed(frame, &mut each).expect("chunk") {
                        break;
                    }
                }
                assert_eq!(parser.chunks(), EVENTS);
            });
        });
    }
    let frames = bytes.frames(64);
    group.bench_function("sse_decoder_only/per_frame=64", |b| {
        b.iter(|| {
            let mut decoder = Decoder::new();
            let mut n = 0;
            for frame in &frames {
                decoder.feed(frame.clone());
                while let Some(event) = decoder.next_event() {
                    black_box(event.expect("event"));
                    n += 1;
                }
            }
            assert_eq!(n, EVENTS + 1);
        });
    });
    group.throughput(Throughput::Elements(1));
    let data = bytes.event.slice(b"data: ".len()..bytes.event.len() - 2);
    group.bench_function("decode_chunk/sdk_type", |b| {
        b.iter(|| {
            let c: ChatCompletionChunk = serde_json::from_slice(black_box(&data)).expect("json");
            black_box(c)
        });
    });
    group.bench_function("decode_chunk/floor_type", |b| {
        b.iter(|| {
            let c: Chunk = serde_json::from_slice(black_box(&data)).expect("json");
            black_box(c)
        });
    });
    group.finish();
}
