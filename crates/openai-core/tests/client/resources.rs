//! The resources against the mock: paths, methods, bodies and decoding.

use openai_core::Error;
use openai_core::types::{
    EmbeddingCreateParams, EmbeddingCreateParamsEncodingFormat, EmbeddingCreateParamsInput,
};
use openai_mock::{Mock, MockServer};
use serde_json::json;

use crate::support::{params, test_client};

#[tokio::test]
async fn case_9_9_chat_create_posts_the_params_and_decodes_the_completion() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_completion("Hello!"));
    let completion = test_client(&server)
        .chat()
        .completions()
        .create(params().temperature(0.2))
        .await
        .unwrap();

    assert_eq!(completion.object, "chat.completion");
    assert_eq!(completion.choices[0].message.role, "assistant");
    assert_eq!(
        completion.choices[0].message.content.as_deref(),
        Some("Hello!")
    );
    assert_eq!(completion.choices[0].finish_reason.as_str(), "stop");
    assert_eq!(completion.request_id(), Some("req_mock_1"));
    // The request id is metadata, not part of the object's JSON.
    let dumped = serde_json::to_string(&completion).unwrap();
    assert!(!dumped.contains("req_mock_1"), "{dumped}");
    let r = &server.requests()[0];
    assert_eq!(r.method(), http::Method::POST);
    assert_eq!(r.path(), "/v1/chat/completions");
    let body = r.json();
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(body["temperature"], 0.2);
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "Say this is a test"}])
    );
    assert!(body.get("stream").is_none(), "create never streams: {body}");
}

#[tokio::test]
async fn case_9_12_an_unknown_field_is_kept_in_extra() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o",
        "choices": [{
            "index": 0,
            "finish_reason": "stop",
            "message": {"role": "assistant", "content": "hi", "reasoning_content": "hmm"}
        }],
        "my_extra": {"a": 1}
    })));
    let completion = test_client(&server)
        .chat()
        .completions()
        .create(params())
        .await
        .unwrap();

    assert_eq!(
        completion.extra_fields().get("my_extra"),
        Some(&json!({"a": 1}))
    );
    assert_eq!(
        completion.choices[0]
            .message
            .extra_fields()
            .get("reasoning_content"),
        Some(&json!("hmm"))
    );
    // Written back on serialize.
    assert_eq!(
        serde_json::to_value(&completion).unwrap()["my_extra"]["a"],
        1
    );
}

#[tokio::test]
async fn an_empty_model_fails_before_sending() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    let mut p = params();
    p.model = "".into();
    let err = client
        .chat()
        .completions()
        .create(p.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    let err = client
        .chat()
        .completions()
        .create_stream(p)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn models_list_retrieve_and_delete_use_their_paths() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    let page = client.models().list().await.unwrap();
    assert!(!page.data.is_empty());
    assert!(!page.has_next_page());
    assert_eq!(page.request_id(), Some("req_mock_1"));
    let id = page.data[0].id.clone();
    let model = client.models().retrieve(&id).await.unwrap();
    assert_eq!(model.id, id);
    let deleted = client.models().delete(&id).await.unwrap();
    assert_eq!(deleted.id, id);

    let requests = server.requests();
    let calls: Vec<_> = requests
        .iter()
        .map(|r| (r.method().as_str().to_owned(), r.path().to_owned()))
        .collect();
    assert_eq!(
        calls,
        [
            ("GET".to_owned(), "/v1/models".to_owned()),
            ("GET".to_owned(), format!("/v1/models/{id}")),
            ("DELETE".to_owned(), format!("/v1/models/{id}")),
        ]
    );
}

#[tokio::test]
async fn an_unknown_model_is_not_found() {
    let server = MockServer::start().await;
    let err = test_client(&server)
        .models()
        .retrieve("no-such-model")
        .await
        .unwrap_err();
    let e = err.as_api().expect("an API error");
    assert!(e.is_not_found());
    assert_eq!(e.code(), Some("model_not_found"));
}

#[tokio::test]
async fn embeddings_post_the_input_and_decode_the_vectors() {
    let server = MockServer::start().await;
    let params = EmbeddingCreateParams::new(
        "text-embedding-3-small",
        EmbeddingCreateParamsInput::from(vec!["a".to_owned(), "b".to_owned()]),
    )
    .dimensions(8_u32);
    let resp = test_client(&server)
        .embeddings()
        .create(params)
        .await
        .unwrap();

    assert_eq!(resp.data.len(), 2);
    assert_eq!(resp.data[1].index, 1);
    assert_eq!(resp.data[0].embedding.len(), 8);
    let r = &server.requests()[0];
    assert_eq!(r.path(), "/v1/embeddings");
    assert_eq!(r.json()["input"], json!(["a", "b"]));
    assert_eq!(r.json()["dimensions"], 8);
    assert_eq!(
        r.json()["encoding_format"],
        "base64",
        "base64 unless the caller chose, as Python does"
    );
}

#[tokio::test]
async fn embeddings_read_the_same_floats_from_base64_and_from_json() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    let params = || {
        EmbeddingCreateParams::new(
            "text-embedding-3-small",
            EmbeddingCreateParamsInput::from("the same input"),
        )
        .dimensions(16_u32)
    };
    let base64 = client.embeddings().create(params()).await.unwrap();
    let floats = client
        .embeddings()
        .create(params().encoding_format(EmbeddingCreateParamsEncodingFormat::Float))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].json()["encoding_format"], "base64");
    assert_eq!(requests[1].json()["encoding_format"], "float");
    assert_eq!(base64.data[0].embedding.len(), 16);
    assert_eq!(base64.data[0].embedding, floats.data[0].embedding);
    assert!(base64.data[0].embedding.iter().any(|x| *x != 0.0));
}

/// Also covers tests-to-match.md case 9.1.
#[tokio::test]
async fn case_9_4_json_is_decoded_whatever_the_content_type() {
    let server = MockServer::start().await;
    let client = test_client(&server);
    for content_type in ["application/text", "application/binary", "text/plain"] {
        server.enqueue(Mock::raw(200, r#"{"foo": 2}"#, content_type));
        let value: serde_json::Value = client.post("/foo").await.unwrap();
        assert_eq!(value, json!({"foo": 2}), "{content_type}");
    }
}

/// tests-to-match 9.2 and 9.3: a hand-made call decodes into the caller's own
/// union (an untagged enum is Python's `Union[Model1, Model2]`): the first
/// variant whose fields match wins.
#[tokio::test]
async fn case_9_2_a_call_decodes_into_the_callers_union() {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Named {
        name: String,
    }
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct IntFoo {
        foo: i64,
    }
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct StrFoo {
        foo: String,
    }
    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(untagged)]
    enum NameOrFoo {
        Model1(Named),
        Model2(StrFoo),
    }
    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(untagged)]
    enum IntOrStr {
        Model1(IntFoo),
        Model2(StrFoo),
    }
    impl openai_core::types::ResponseMeta for NameOrFoo {}
    impl openai_core::types::ResponseMeta for IntOrStr {}

    let server = MockServer::start().await;
    let client = test_client(&server);
    server.enqueue(Mock::ok(json!({"foo": "bar"})));
    let got: NameOrFoo = client.post("/foo").await.unwrap();
    assert_eq!(got, NameOrFoo::Model2(StrFoo { foo: "bar".into() }));
    server.enqueue(Mock::ok(json!({"foo": "bar"})));
    let got: IntOrStr = client.post("/foo").await.unwrap();
    assert_eq!(got, IntOrStr::Model2(StrFoo { foo: "bar".into() }));
    server.enqueue(Mock::ok(json!({"foo": 1})));
    let got: IntOrStr = client.post("/foo").await.unwrap();
    assert_eq!(got, IntOrStr::Model1(IntFoo { foo: 1 }));
}
