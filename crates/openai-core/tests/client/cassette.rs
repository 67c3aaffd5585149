//! Record and replay through the client (`openai_mock::cassette`, issue 13
//! "Testing your own code"): a call and a stream recorded against the mock
//! replay with nothing listening, and the cassette holds no key.

use futures_util::StreamExt;
use openai_core::Client;
use openai_mock::cassette::{Cassette, Mode};
use openai_mock::{Mock, MockServer};

use crate::support::{API_KEY, params};

fn temp_cassette(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "openai-core-cassette-{}-{name}.json",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    path
}

#[tokio::test]
async fn a_recorded_call_and_stream_replay_offline() {
    let path = temp_cassette("client");
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_completion("recorded answer"));
    server.enqueue(Mock::chat_stream("recorded stream"));

    let recorder = Cassette::open(&path, Mode::Record).unwrap();
    let live = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .layer(recorder.layer())
        .build()
        .unwrap();
    let answer = live.chat().completions().create(params()).await.unwrap();
    let chunks: Vec<_> = live
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(recorder.len(), 2);
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(!file.contains(API_KEY), "the key reached the cassette");

    let replayer = Cassette::open(&path, Mode::Replay).unwrap();
    let offline = Client::builder()
        .api_key("another key")
        .base_url("http://127.0.0.1:9/v1")
        .max_retries(0)
        .layer(replayer.layer())
        .build()
        .unwrap();
    let replayed = offline.chat().completions().create(params()).await.unwrap();
    assert_eq!(
        replayed.choices[0].message.content,
        answer.choices[0].message.content
    );
    assert_eq!(replayed.request_id(), answer.request_id());
    let replayed_chunks: Vec<_> = offline
        .chat()
        .completions()
        .create_stream(params())
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(replayed_chunks.len(), chunks.len());
    assert_eq!(server.requests().len(), 2, "the replay sent nothing");

    // A call the cassette does not hold fails without reaching the network.
    let mut other = params();
    other.model = "gpt-other".into();
    let err = offline
        .chat()
        .completions()
        .create(other)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no recorded interaction"), "{err}");
    let _ = std::fs::remove_file(&path);
}
