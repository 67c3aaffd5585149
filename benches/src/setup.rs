//! [`Bench`]: the runtimes, the mock server and both clients of a benchmark;
//! [`Clients`]: one call or one stream by the SDK or by the floor.

use std::future::Future;
use std::hint::black_box;

use futures_util::StreamExt;
use openai::types::EmbeddingCreateParams;
use openai::types::chat::{ChatCompletionCreateParams, ChatMessage};
use openai_mock::{Mock, MockServer, WsScript};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::runtime::{Builder, Runtime};

use crate::floor::{EmbeddingParams, Floor, Params};

/// Name prefix of the threads whose CPU time is measured (at most 15 bytes,
/// the kernel's limit for a thread name).
pub const CLIENT_THREAD: &str = "bench-client";

/// Name of the mock server's threads.
pub const SERVER_THREAD: &str = "mock-server";

/// The model every benchmark request names.
pub const MODEL: &str = "gpt-4o";

/// The user message every benchmark request sends.
pub const PROMPT: &str = "hi";

/// The inputs of an embeddings benchmark call (1,536 dimensions each).
pub const EMBEDDING_INPUTS: usize = 100;

/// The embeddings model.
pub const EMBEDDING_MODEL: &str = "text-embedding-3-small";

/// A mock server on its own runtime, and the SDK and floor clients on another.
#[derive(Debug)]
pub struct Bench {
    // Fields drop in order: the server before the runtimes.
    /// The mock server.
    pub server: MockServer,
    /// The clients.
    pub clients: Clients,
    client_rt: Runtime,
    _server_rt: Runtime,
    /// Jobs of the blocking caller thread: how many calls, and where to
    /// say they are done.
    blocking_jobs: std::sync::mpsc::Sender<(u32, std::sync::mpsc::Sender<()>)>,
}

/// The SDK client and the floor client; cheap to clone into a task.
#[derive(Debug, Clone)]
pub struct Clients {
    /// The SDK client under test, with the defaults a user gets (2 retries,
    /// 600 s timeout).
    pub sdk: openai::Client,
    /// The floor client.
    pub floor: Floor,
    /// The mock's address, for the WebSocket floor.
    pub addr: std::net::SocketAddr,
}

/// Which client a benchmark runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The SDK.
    Sdk,
    /// The raw floor.
    Floor,
}

impl Bench {
    /// Starts the server (one worker thread) and builds the clients on a
    /// one-worker runtime, checks that both send the same bodies, then turns
    /// request recording off so the server's memory stays flat.
    ///
    /// # Panics
    ///
    /// If a runtime, the server or the SDK client cannot be built, or the
    /// check fails.
    pub fn new() -> Self {
        let server_rt = Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(SERVER_THREAD)
            .enable_all()
            .build()
            .expect("server runtime");
        let client_rt = Builder::new_multi_thread()
            // One client thread and one server thread: on a 2-core machine a
            // second client worker only adds preemption, whose cache refills
            // land in the measured CPU time and make rounds noisy.
            .worker_threads(1)
            .thread_name(CLIENT_THREAD)
            .enable_all()
            .build()
            .expect("client runtime");
        let server = server_rt.block_on(MockServer::start());
        let sdk = {
            let _guard = client_rt.enter();
            openai::Client::builder()
                .api_key("k")
                .base_url(server.url())
                .build()
                .expect("SDK client")
        };
        let floor = Floor::new(&server.url());
        let addr = server.addr();
        let blocking = openai::Client::builder()
            .api_key("k")
            .base_url(server.url())
            .build_blocking()
            .expect("blocking SDK client");
        let (blocking_jobs, jobs) =
            std::sync::mpsc::channel::<(u32, std::sync::mpsc::Sender<()>)>();
        std::thread::Builder::new()
            .name(format!("{CLIENT_THREAD}-caller"))
            .spawn(move || {
                for (calls, done) in jobs {
                    for _ in 0..calls {
                        let completion = blocking.chat().completions().create(sdk_params()).send();
                        black_box(completion.expect("blocking SDK call"));
                    }
                    let _ = done.send(());
                }
            })
            .expect("the blocking caller thread");
        let bench = Self {
            server,
            clients: Clients { sdk, floor, addr },
            client_rt,
            _server_rt: server_rt,
            blocking_jobs,
        };
        bench.check_same_bodies();
        bench.server.record_requests(false);
        bench
    }

    /// Queues a WebSocket connection on which the mock sends `event`
    /// `times` times, then closes normally: for the next
    /// [`Clients::websocket`].
    pub fn answer_ws(&self, event: Value, times: usize) {
        self.server
            .enqueue_ws(WsScript::new().send_repeat(event, times).close(1000, ""));
    }

    /// Answers every request with `mock` from now on.
    pub fn answer_with(&self, mock: Mock) {
        self.server.set_default(mock);
    }

    /// Lets the mock's built-in model answer (embeddings in the encoding
    /// each request asks for).
    pub fn answer_with_model(&self) {
        self.server.clear_default();
    }

    /// Makes `calls` chat calls one after the other through the blocking
    /// client, on a caller thread named like the client threads (its CPU
    /// counts, as does the blocking client's runtime thread).
    ///
    /// # Panics
    ///
    /// If the caller thread is gone.
    pub fn blocking_chat(&self, calls: u32) {
        let (done, wait) = std::sync::mpsc::channel();
        self.blocking_jobs
            .send((calls, done))
            .expect("the blocking caller thread runs");
        wait.recv().expect("the blocking caller answers");
    }

    /// Runs `future` to completion as a task of the client runtime, so its
    /// work is done (and measured) on the client threads; the calling thread
    /// only waits.
    ///
    /// # Panics
    ///
    /// If the task panics.
    pub fn run<F>(&self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.client_rt
            .block_on(self.client_rt.spawn(future))
            .expect("the benchmark task panicked")
    }

    /// Checks that the SDK and the floor send the same JSON bodies, so the
    /// floor serializes as much as the SDK does, and read the same answers.
    fn check_same_bodies(&self) {
        self.answer_with(Mock::chat_completion("ok"));
        let clients = self.clients.clone();
        self.run(async move {
            let a = clients.sdk.chat().completions().create(sdk_params()).await;
            let a = a.expect("SDK call");
            let b = clients.floor.chat(Params::new(MODEL, PROMPT, false)).await;
            let b = b.expect("floor call");
            assert_eq!(a.choices[0].message.content.as_deref(), Some("ok"));
            assert_eq!(b.choices[0].message.content.as_deref(), Some("ok"));
        });
        self.answer_with(Mock::chat_stream_repeat(3, 1));
        let clients = self.clients.clone();
        self.run(async move {
            assert_eq!(clients.stream(Target::Sdk).await, 3);
            assert_eq!(clients.stream(Target::Floor).await, 3);
        });
        let requests = self.server.requests();
        assert_eq!(requests.len(), 4);
        for pair in requests.chunks(2) {
            assert_eq!(
                pair[0].body(),
                pair[1].body(),
                "SDK and floor bodies differ"
            );
        }
        self.server.clear_requests();
    }
}

impl Default for Bench {
    fn default() -> Self {
        Self::new()
    }
}

impl Clients {
    /// One non-streaming chat completion, its result passed to `black_box`.
    ///
    /// # Panics
    ///
    /// If the call fails.
    pub async fn chat(&self, target: Target) {
        match target {
            Target::Sdk => {
                let completion = self.sdk.chat().completions().create(sdk_params()).await;
                black_box(completion.expect("SDK call"));
            }
            Target::Floor => {
                let completion = self.floor.chat(Params::new(MODEL, PROMPT, false)).await;
                black_box(completion.expect("floor call"));
            }
        }
    }

    /// One embeddings call of [`EMBEDDING_INPUTS`] inputs, the SDK with its
    /// default encoding (base64, decoded to floats), the floor with JSON
    /// floats; returns the number of floats read.
    ///
    /// # Panics
    ///
    /// If the call fails.
    pub async fn embeddings(&self, target: Target) -> usize {
        let inputs: Vec<String> = (0..EMBEDDING_INPUTS)
            .map(|i| format!("input {i}"))
            .collect();
        match target {
            Target::Sdk => {
                let params = EmbeddingCreateParams::new(EMBEDDING_MODEL, inputs);
                let answer = self.sdk.embeddings().create(params).await;
                let answer = black_box(answer.expect("SDK call"));
                answer.data.iter().map(|e| e.embedding.len()).sum()
            }
            Target::Floor => {
                let params = EmbeddingParams::new(EMBEDDING_MODEL, inputs);
                let answer = self.floor.embeddings(params).await;
                let answer = black_box(answer.expect("floor call"));
                answer.data.iter().map(|e| e.embedding.len()).sum()
            }
        }
    }

    /// One chat stream of the `.stream()` helper (typed events over an
    /// accumulated completion) read to its end, each event passed to
    /// `black_box`; the final completion is taken too. Returns the number
    /// of chunks.
    ///
    /// # Panics
    ///
    /// If the call or the stream fails.
    pub async fn stream_helper(&self) -> usize {
        let mut stream = self
            .sdk
            .chat()
            .completions()
            .stream(sdk_params())
            .await
            .expect("SDK stream helper");
        let mut chunks = 0;
        while let Some(event) = stream.next().await {
            if let openai::ChatCompletionStreamEvent::Chunk(_) = black_box(event.expect("event")) {
                chunks += 1;
            }
        }
        black_box(stream.final_completion().await.expect("final completion"));
        chunks
    }

    /// One streamed chat completion read to its end, each chunk passed to
    /// `black_box`; returns the number of chunks.
    ///
    /// # Panics
    ///
    /// If the call or the stream fails.
    pub async fn stream(&self, target: Target) -> usize {
        match target {
            Target::Sdk => {
                let stream = self.sdk.chat().completions().create_stream(sdk_params());
                let mut stream = stream.await.expect("SDK stream");
                let mut events = 0;
                while let Some(chunk) = stream.next().await {
                    black_box(chunk.expect("SDK chunk"));
                    events += 1;
                }
                events
            }
            Target::Floor => {
                let params = Params::new(MODEL, PROMPT, true);
                let events = self.floor.chat_stream(params, |chunk| {
                    black_box(chunk);
                });
                events.await.expect("floor stream")
            }
        }
    }
}

/// Bytes of base64 in [`audio_delta`]: 40 ms of 24 kHz PCM16 (1,920 bytes).
pub const AUDIO_DELTA_BASE64: usize = 2_560;

/// A Realtime `response.output_audio.delta` as the server streams them.
pub fn audio_delta() -> Value {
    realtime_delta(
        "response.output_audio.delta",
        &"A".repeat(AUDIO_DELTA_BASE64),
    )
}

/// A Realtime `response.output_text.delta` of a few words.
pub fn text_delta() -> Value {
    realtime_delta("response.output_text.delta", "Hello from the")
}

fn realtime_delta(kind: &str, delta: &str) -> Value {
    json!({"type": kind, "event_id": "event_CZ5nZ8pVcJ3dKeXWQH1yg", "response_id": "resp_CZ5nZ0K8tq4p8Hq2Ey1Qh",
        "item_id": "item_CZ5nZ3pJ5Pu4Uq2PZnC7a", "output_index": 0, "content_index": 0, "delta": delta})
}

/// What the WebSocket floor decodes each event into: a plain serde struct of
/// the delta's fields.
#[derive(Debug, Deserialize)]
#[allow(dead_code, reason = "read through black_box only")]
struct FloorDelta {
    r#type: String,
    event_id: String,
    response_id: String,
    item_id: String,
    output_index: i64,
    content_index: i64,
    delta: String,
}

impl Clients {
    /// Opens a Realtime WebSocket connection to the mock (which plays what
    /// [`Bench::answer_ws`] queued) and decodes every server event until the
    /// normal close: the SDK's `realtime().connect()` into the
    /// `RealtimeServerEvent` union, the floor with tokio-tungstenite and
    /// serde_json into a plain struct of the fields. Returns the number of events.
    ///
    /// # Panics
    ///
    /// If the connection fails or an event does not decode.
    pub async fn websocket(&self, target: Target) -> usize {
        use tokio_tungstenite::tungstenite::Message;
        let mut events = 0;
        match target {
            Target::Sdk => {
                let connection = self.sdk.realtime().connect().model("gpt-realtime");
                let mut connection = connection.await.expect("SDK connection");
                while let Some(event) = connection.next().await {
                    black_box(event.expect("SDK event"));
                    events += 1;
                }
            }
            Target::Floor => {
                let tcp = tokio::net::TcpStream::connect(self.addr)
                    .await
                    .expect("floor TCP connection");
                let url = format!("ws://{}/v1/realtime?model=gpt-realtime", self.addr);
                let (mut socket, _) = tokio_tungstenite::client_async(url, tcp)
                    .await
                    .expect("floor WebSocket handshake");
                while let Some(message) = socket.next().await {
                    match message.expect("floor frame") {
                        Message::Text(text) => {
                            let event: FloorDelta =
                                serde_json::from_slice(text.as_bytes()).expect("floor event");
                            black_box(event);
                            events += 1;
                        }
                        Message::Close(_) => break,
                        _ => {}
                    }
                }
            }
        }
        events
    }
}

impl Target {
    /// Both targets, the SDK first.
    pub const ALL: [Self; 2] = [Self::Sdk, Self::Floor];

    /// `sdk` or `floor`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sdk => "sdk",
            Self::Floor => "floor",
        }
    }
}

/// The SDK's params for every benchmark request.
pub fn sdk_params() -> ChatCompletionCreateParams {
    ChatCompletionCreateParams::new(MODEL, [ChatMessage::user(PROMPT)])
}
