//! Lossless generated parsing beside a plain `#[derive(Deserialize)]` struct of the same
//! fields: one chat completion, 1,000 stream chunks, an embeddings response of 100 x 1,536.
//! Run: `cargo bench -p openai-benches --bench types`.
#![allow(
    dead_code,
    missing_debug_implementations,
    reason = "the plain structs only exist to be deserialized into"
)]

use std::hint::black_box;

use criterion::Criterion;
use openai::types::CreateEmbeddingResponse;
use openai::types::chat::{ChatCompletion, ChatCompletionChunk};
use serde::Deserialize;

mod plain {
    use super::*;
    #[derive(Deserialize)]
    pub(crate) struct Completion {
        pub(crate) id: String,
        pub(crate) object: String,
        pub(crate) created: i64,
        pub(crate) model: String,
        pub(crate) choices: Vec<Choice>,
        pub(crate) usage: Option<Usage>,
        pub(crate) service_tier: Option<String>,
        pub(crate) system_fingerprint: Option<String>,
        pub(crate) metadata: Option<std::collections::BTreeMap<String, String>>,
        pub(crate) moderation: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    pub(crate) struct Choice {
        pub(crate) index: i64,
        pub(crate) message: Message,
        pub(crate) logprobs: Option<serde_json::Value>,
        pub(crate) finish_reason: Option<String>,
    }
    #[derive(Deserialize)]
    pub(crate) struct Message {
        pub(crate) role: String,
        pub(crate) content: Option<String>,
        pub(crate) refusal: Option<String>,
        pub(crate) annotations: Option<Vec<serde_json::Value>>,
        pub(crate) tool_calls: Option<Vec<ToolCall>>,
        pub(crate) function_call: Option<serde_json::Value>,
        pub(crate) audio: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    pub(crate) struct ToolCall {
        pub(crate) id: String,
        #[serde(rename = "type")]
        pub(crate) kind: String,
        pub(crate) function: Function,
    }
    #[derive(Deserialize)]
    pub(crate) struct Function {
        pub(crate) name: String,
        pub(crate) arguments: String,
    }
    #[derive(Deserialize)]
    pub(crate) struct Usage {
        pub(crate) prompt_tokens: i64,
        pub(crate) completion_tokens: i64,
        pub(crate) total_tokens: i64,
        pub(crate) prompt_tokens_details: Option<Details>,
        pub(crate) completion_tokens_details: Option<Details>,
    }
    #[derive(Deserialize)]
    pub(crate) struct Details {
        pub(crate) cached_tokens: Option<i64>,
        pub(crate) audio_tokens: Option<i64>,
        pub(crate) reasoning_tokens: Option<i64>,
        pub(crate) accepted_prediction_tokens: Option<i64>,
        pub(crate) rejected_prediction_tokens: Option<i64>,
    }
    #[derive(Deserialize)]
    pub(crate) struct Chunk {
        pub(crate) id: String,
        pub(crate) object: String,
        pub(crate) created: i64,
        pub(crate) model: String,
        pub(crate) choices: Vec<ChunkChoice>,
        pub(crate) system_fingerprint: Option<String>,
        pub(crate) service_tier: Option<String>,
        pub(crate) usage: Option<Usage>,
    }
    #[derive(Deserialize)]
    pub(crate) struct ChunkChoice {
        pub(crate) index: i64,
        pub(crate) delta: Delta,
        pub(crate) logprobs: Option<serde_json::Value>,
        pub(crate) finish_reason: Option<String>,
    }
    #[derive(Deserialize)]
    pub(crate) struct Delta {
        pub(crate) role: Option<String>,
        pub(crate) content: Option<String>,
        pub(crate) refusal: Option<String>,
        pub(crate) function_call: Option<serde_json::Value>,
        pub(crate) tool_calls: Option<Vec<serde_json::Value>>,
    }
    #[derive(Deserialize)]
    pub(crate) struct Embeddings {
        pub(crate) object: String,
        pub(crate) data: Vec<Embedding>,
        pub(crate) model: String,
        pub(crate) usage: EUsage,
    }
    #[derive(Deserialize)]
    pub(crate) struct Embedding {
        pub(crate) object: String,
        pub(crate) embedding: Vec<f64>,
        pub(crate) index: i64,
    }
    #[derive(Deserialize)]
    pub(crate) struct EUsage {
        pub(crate) prompt_tokens: i64,
        pub(crate) total_tokens: i64,
    }
}

fn payloads() -> (String, Vec<String>, String) {
    let completion = r#"{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I assist you today? Here is a longer answer with some more text in it to make the string realistic.","refusal":null,"annotations":[],"tool_calls":[{"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_1"}"#.to_owned();
    let chunks = (0..1000).map(|i| format!(r#"{{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{{"index":0,"delta":{{"content":"tok{i} "}},"logprobs":null,"finish_reason":null}}]}}"#)).collect();
    let vecs: Vec<String> = (0..100)
        .map(|i| {
            let floats: Vec<String> = (0..1536)
                .map(|j| format!("{:.8}", ((i * 1536 + j) as f64 * 0.618).sin() * 0.05))
                .collect();
            format!(
                r#"{{"object":"embedding","index":{i},"embedding":[{}]}}"#,
                floats.join(",")
            )
        })
        .collect();
    let embeddings = format!(
        r#"{{"object":"list","data":[{}],"model":"text-embedding-3-small","usage":{{"prompt_tokens":8,"total_tokens":8}}}}"#,
        vecs.join(",")
    );
    (completion, chunks, embeddings)
}

fn bench(c: &mut Criterion) {
    let (completion, chunks, embeddings) = payloads();
    let mut g = c.benchmark_group("chat_completion");
    g.bench_function("generated", |b| {
        b.iter(|| serde_json::from_str::<ChatCompletion>(black_box(&completion)).unwrap())
    });
    g.bench_function("plain", |b| {
        b.iter(|| serde_json::from_str::<plain::Completion>(black_box(&completion)).unwrap())
    });
    g.finish();
    let mut g = c.benchmark_group("chunks_1000");
    g.bench_function("generated", |b| {
        b.iter(|| {
            for c in &chunks {
                black_box(serde_json::from_str::<ChatCompletionChunk>(c).unwrap());
            }
        })
    });
    g.bench_function("plain", |b| {
        b.iter(|| {
            for c in &chunks {
                black_box(serde_json::from_str::<plain::Chunk>(c).unwrap());
            }
        })
    });
    g.finish();
    let mut g = c.benchmark_group("embeddings_100x1536");
    g.bench_function("generated", |b| {
        b.iter(|| serde_json::from_str::<CreateEmbeddingResponse>(black_box(&embeddings)).unwrap())
    });
    g.bench_function("plain", |b| {
        b.iter(|| serde_json::from_str::<plain::Embeddings>(black_box(&embeddings)).unwrap())
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
