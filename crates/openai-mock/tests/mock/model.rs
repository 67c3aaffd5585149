//! The built-in model: chat echo, embeddings, models, errors.

use http::Method;
use openai_mock::MockServer;
use serde_json::{Value, json};

use crate::support::{call, client, decode_base64};

#[tokio::test]
async fn chat_echoes_the_last_user_message() {
    let server = MockServer::start().await;
    let client = client();
    let body = json!({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "first question"},
            {"role": "assistant", "content": "first answer"},
            {"role": "user", "content": [
                {"type": "text", "text": "What is "},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
                {"type": "text", "text": "in this image?"}
            ]}
        ]
    });
    let answer = call(
        &client,
        &server,
        Method::POST,
        "/chat/completions",
        Some(&body),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), "application/json");
    assert_eq!(answer.header("x-request-id"), "req_mock_1");
    let completion = answer.json();
    assert_eq!(completion["object"], "chat.completion");
    assert_eq!(completion["id"], "chatcmpl-mock-1");
    assert_eq!(completion["model"], "gpt-4o-mini");
    let message = &completion["choices"][0]["message"];
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["content"], "What is in this image?");
    assert_eq!(completion["choices"][0]["finish_reason"], "stop");
    // 3 + 2 + 2 + 5 words in, 5 words out.
    assert_eq!(completion["usage"]["prompt_tokens"], 12);
    assert_eq!(completion["usage"]["completion_tokens"], 5);
    assert_eq!(completion["usage"]["total_tokens"], 17);
}

#[tokio::test]
async fn chat_streams_when_asked() {
    let server = MockServer::start().await;
    let client = client();
    let text = "Hello  streamed world ";
    let body = json!({
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": text}],
        "stream": true,
        "stream_options": {"include_usage": true}
    });
    let answer = call(
        &client,
        &server,
        Method::POST,
        "/chat/completions",
        Some(&body),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert!(
        answer
            .header("content-type")
            .starts_with("text/event-stream")
    );
    let data = answer.sse_data();
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    // role chunk, 4 pieces, finish chunk, usage chunk
    assert_eq!(chunks.len(), 7);
    for chunk in &chunks {
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["id"], "chatcmpl-mock-1");
        assert_eq!(chunk["model"], "gpt-4o");
    }
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(chunks[0]["choices"][0]["delta"]["content"], "");
    let pieces: Vec<&str> = chunks[1..5]
        .iter()
        .map(|c| c["choices"][0]["delta"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(pieces, ["Hello", "  streamed", " world", " "]);
    assert_eq!(pieces.concat(), text);
    assert_eq!(chunks[5]["choices"][0]["finish_reason"], "stop");
    assert_eq!(chunks[5]["choices"][0]["delta"], json!({}));
    assert!(chunks[5]["usage"].is_null());
    assert_eq!(chunks[6]["choices"], json!([]));
    assert_eq!(chunks[6]["usage"]["completion_tokens"], 3);
    assert_eq!(chunks[6]["usage"]["prompt_tokens"], 3);

    // Without include_usage there is no usage chunk.
    let body =
        json!({"model": "m", "messages": [{"role": "user", "content": "a b"}], "stream": true});
    let answer = call(
        &client,
        &server,
        Method::POST,
        "/chat/completions",
        Some(&body),
    )
    .await;
    let data = answer.sse_data();
    assert_eq!(data.len(), 5, "{data:?}");
    assert!(!data[3].contains("usage"));
}

#[tokio::test]
async fn bad_chat_requests_get_openai_errors() {
    let server = MockServer::start().await;
    let client = client();
    let request = http::Request::post(format!("{}/chat/completions", server.url()))
        .body(http_body_util::Full::from("{\"model\": "))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), 400);
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap();
    let error: Value = serde_json::from_slice(&body.to_bytes()).unwrap();
    assert_eq!(error["error"]["type"], "invalid_request_error");
    assert!(error["error"]["message"].as_str().unwrap().contains("JSON"));
    assert!(error["error"].get("param").is_some());
    assert!(error["error"].get("code").is_some());

    let missing = call(
        &client,
        &server,
        Method::POST,
        "/chat/completions",
        Some(&json!({"model": "m"})),
    )
    .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error"]["param"], "messages");
}

#[tokio::test]
async fn paths_work_without_the_v1_prefix() {
    let server = MockServer::start().await;
    let client = client();
    let url = format!("http://{}/models/gpt-4o-mock", server.addr());
    let response = client.get(url.parse().unwrap()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.requests()[0].path(), "/models/gpt-4o-mock");
}

async fn embed(server: &MockServer, body: Value) -> Value {
    let answer = call(&client(), server, Method::POST, "/embeddings", Some(&body)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.json()
}

fn vector(response: &Value, index: usize) -> Vec<f64> {
    response["data"][index]["embedding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[tokio::test]
async fn embeddings_are_deterministic_unit_vectors() {
    let server = MockServer::start().await;
    let one = embed(
        &server,
        json!({"model": "text-embedding-3-large", "input": "hello world"}),
    )
    .await;
    assert_eq!(one["object"], "list");
    assert_eq!(one["model"], "text-embedding-3-large");
    assert_eq!(one["data"][0]["object"], "embedding");
    assert_eq!(one["data"][0]["index"], 0);
    assert_eq!(one["usage"], json!({"prompt_tokens": 2, "total_tokens": 2}));
    let first = vector(&one, 0);
    assert_eq!(first.len(), 1536);
    let norm: f64 = first.iter().map(|x| x * x).sum();
    assert!((norm - 1.0).abs() < 1e-3, "norm {norm}");

    let many = embed(
        &server,
        json!({"model": "m", "input": ["hello world", "hello there"]}),
    )
    .await;
    assert_eq!(vector(&many, 0), first, "same input, same vector");
    assert_ne!(vector(&many, 1), first, "different input, different vector");
    assert_eq!(many["data"][1]["index"], 1);

    let small = embed(
        &server,
        json!({"model": "m", "input": "hello world", "dimensions": 8}),
    )
    .await;
    assert_eq!(vector(&small, 0).len(), 8);

    let tokens = embed(&server, json!({"model": "m", "input": [1, 2, 3]})).await;
    assert_eq!(tokens["data"].as_array().unwrap().len(), 1);
    assert_eq!(tokens["usage"]["prompt_tokens"], 3);
    let batches = embed(&server, json!({"model": "m", "input": [[1, 2, 3], [4]]})).await;
    assert_eq!(vector(&batches, 0), vector(&tokens, 0));
    assert_ne!(vector(&batches, 1), vector(&tokens, 0));
}

#[tokio::test]
async fn embeddings_in_base64_match_the_floats() {
    let server = MockServer::start().await;
    let floats = embed(
        &server,
        json!({"model": "m", "input": "abc", "dimensions": 16}),
    )
    .await;
    let encoded = embed(
        &server,
        json!({"model": "m", "input": "abc", "dimensions": 16, "encoding_format": "base64"}),
    )
    .await;
    let text = encoded["data"][0]["embedding"].as_str().unwrap();
    let bytes = decode_base64(text);
    assert_eq!(bytes.len(), 16 * 4);
    let decoded: Vec<f32> = bytes
        .chunks(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let listed: Vec<f32> = vector(&floats, 0).iter().map(|&x| x as f32).collect();
    assert_eq!(decoded, listed);

    let bad = call(
        &client(),
        &server,
        Method::POST,
        "/embeddings",
        Some(&json!({"model": "m"})),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["param"], "input");
}

#[tokio::test]
async fn models_list_retrieve_and_delete() {
    let server = MockServer::start().await;
    let client = client();
    let list = call(&client, &server, Method::GET, "/models", None)
        .await
        .json();
    assert_eq!(list["object"], "list");
    let data = list["data"].as_array().unwrap();
    assert!(data.len() >= 2);
    assert_eq!(
        data[0],
        json!({"id": "gpt-4o-mock", "object": "model", "created": 1_700_000_000, "owned_by": "openai-mock"})
    );

    let one = call(&client, &server, Method::GET, "/models/gpt-4o-mock", None).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json(), data[0]);

    let missing = call(&client, &server, Method::GET, "/models/gpt-9", None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json(),
        json!({"error": {
            "message": "The model 'gpt-9' does not exist",
            "type": "invalid_request_error",
            "param": "model",
            "code": "model_not_found"
        }})
    );

    let deleted = call(
        &client,
        &server,
        Method::DELETE,
        "/models/ft%3Agpt-4o%3Aacme%3A1",
        None,
    )
    .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.json(),
        json!({"id": "ft:gpt-4o:acme:1", "object": "model", "deleted": true})
    );

    let unknown = call(&client, &server, Method::POST, "/v2/nothing", None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"]["type"], "invalid_request_error");
    assert_eq!(unknown.header("x-request-id"), "req_mock_5");
}
