//! Queued mocks, the default mock, recorded requests and plain response shapes.

use http::Method;
use openai_mock::{Mock, MockServer};
use serde_json::json;

use crate::support::{call, client};

#[tokio::test]
async fn queued_mocks_answer_in_order_whatever_the_path() {
    let server = MockServer::start().await;
    server.enqueue(Mock::chat_completion("first"));
    server.enqueue(Mock::json(201, json!({"id": "file-1"})).header("x-custom", "yes"));
    assert_eq!(server.pending(), 2);
    let client = client();

    let body = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]});
    let first = call(
        &client,
        &server,
        Method::POST,
        "/chat/completions",
        Some(&body),
    )
    .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("x-request-id"), "req_mock_1");
    assert_eq!(first.header("content-type"), "application/json");
    let completion = first.json();
    assert_eq!(completion["id"], "chatcmpl-mock-1");
    assert_eq!(completion["object"], "chat.completion");
    assert_eq!(completion["model"], "gpt-4o-mock");
    assert_eq!(completion["choices"][0]["message"]["role"], "assistant");
    assert_eq!(completion["choices"][0]["message"]["content"], "first");
    assert!(completion["choices"][0]["message"]["refusal"].is_null());
    assert_eq!(completion["choices"][0]["finish_reason"], "stop");
    assert_eq!(completion["usage"]["completion_tokens"], 1);
    assert_eq!(
        completion["usage"]["total_tokens"],
        completion["usage"]["prompt_tokens"].as_u64().unwrap() + 1
    );
    assert!(completion["system_fingerprint"].is_string());
    assert_eq!(server.pending(), 1);

    // The second mock answers a different path and method.
    let second = call(
        &client,
        &server,
        Method::GET,
        "/files?limit=2&after=a%2Fb+c",
        None,
    )
    .await;
    assert_eq!(second.status, 201);
    assert_eq!(second.header("x-custom"), "yes");
    assert_eq!(second.header("x-request-id"), "req_mock_2");
    assert_eq!(second.json(), json!({"id": "file-1"}));
    assert_eq!(server.pending(), 0);

    // The queue is empty: the built-in model answers.
    let third = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(third.status, 200);
    assert_eq!(third.json()["object"], "list");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].method(), Method::POST);
    assert_eq!(requests[0].path(), "/v1/chat/completions");
    assert_eq!(requests[0].query(), None);
    assert_eq!(requests[0].header("authorization"), Some("Bearer sk-test"));
    assert_eq!(requests[0].header("Content-Type"), Some("application/json"));
    assert_eq!(requests[0].json(), body);
    assert_eq!(requests[0].body(), body.to_string().as_bytes());
    assert_eq!(requests[1].method(), Method::GET);
    assert_eq!(requests[1].path(), "/v1/files");
    assert_eq!(requests[1].query(), Some("limit=2&after=a%2Fb+c"));
    assert_eq!(
        requests[1].query_pairs(),
        [
            ("limit".to_owned(), "2".to_owned()),
            ("after".to_owned(), "a/b c".to_owned())
        ]
    );
    assert!(requests[1].body().is_empty());
    assert!(requests[1].json().is_null());
    assert_eq!(requests[2].path(), "/v1/models");

    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn error_mocks_have_openai_shaped_bodies() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(429).header("retry-after-ms", "10"));
    server.enqueue(
        Mock::error(429)
            .error_code("insufficient_quota")
            .error_type("insufficient_quota")
            .error_message("You exceeded your current quota."),
    );
    server.enqueue(Mock::error(400).error_param("messages").status(422));
    server.enqueue(Mock::error(503).header("x-should-retry", "false"));
    let client = client();

    let rate = call(&client, &server, Method::POST, "/chat/completions", None).await;
    assert_eq!(rate.status, 429);
    assert_eq!(rate.header("retry-after-ms"), "10");
    assert_eq!(rate.header("content-type"), "application/json");
    assert_eq!(rate.header("x-request-id"), "req_mock_1");
    let error = &rate.json()["error"];
    assert_eq!(error["code"], "rate_limit_exceeded");
    assert_eq!(error["type"], "requests");
    assert!(error["param"].is_null());
    assert!(error["message"].as_str().unwrap().contains("Rate limit"));

    let quota = call(&client, &server, Method::POST, "/chat/completions", None).await;
    assert_eq!(quota.status, 429);
    assert!(quota.headers.get("retry-after-ms").is_none());
    assert_eq!(
        quota.json(),
        json!({"error": {
            "message": "You exceeded your current quota.",
            "type": "insufficient_quota",
            "param": null,
            "code": "insufficient_quota"
        }})
    );

    let invalid = call(&client, &server, Method::POST, "/embeddings", None).await;
    assert_eq!(invalid.status, 422);
    assert_eq!(invalid.json()["error"]["param"], "messages");
    assert_eq!(invalid.json()["error"]["type"], "invalid_request_error");

    let overloaded = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(overloaded.status, 503);
    assert_eq!(overloaded.header("x-should-retry"), "false");
    assert_eq!(overloaded.json()["error"]["type"], "server_error");
}

#[tokio::test]
async fn text_and_raw_bodies_are_sent_verbatim() {
    let server = MockServer::start().await;
    server.enqueue(Mock::text(502, "<html>Bad gateway</html>").header("content-type", "text/html"));
    server.enqueue(Mock::raw(200, &b"{\"id\": \"trunc"[..], "application/json"));
    server.enqueue(Mock::text(500, ""));
    server.enqueue(Mock::ok(json!({})).header("x-request-id", "req_custom"));
    let client = client();

    let html = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(html.status, 502);
    assert_eq!(html.header("content-type"), "text/html");
    assert_eq!(html.body, "<html>Bad gateway</html>");

    let truncated = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(truncated.status, 200);
    assert_eq!(truncated.body, "{\"id\": \"trunc");
    assert_eq!(truncated.header("content-length"), "13");

    let empty = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(empty.status, 500);
    assert!(empty.body.is_empty());
    assert_eq!(empty.header("content-type"), "text/plain; charset=utf-8");

    let custom = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(custom.header("x-request-id"), "req_custom");
    assert_eq!(custom.headers.get_all("x-request-id").iter().count(), 1);
}

#[tokio::test]
async fn default_mock_answers_when_the_queue_is_empty() {
    let server = MockServer::start().await;
    server.set_default(Mock::chat_completion("fixed"));
    server.enqueue(Mock::error(500));
    let client = client();

    let queued = call(&client, &server, Method::POST, "/chat/completions", None).await;
    assert_eq!(queued.status, 500);
    for n in 2..=4 {
        let answer = call(&client, &server, Method::GET, "/anything", None).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.json()["choices"][0]["message"]["content"], "fixed");
        assert_eq!(answer.json()["id"], format!("chatcmpl-mock-{n}"));
    }
    assert_eq!(server.pending(), 0);

    server.clear_default();
    let model = call(&client, &server, Method::GET, "/anything", None).await;
    assert_eq!(model.status, 404);
    assert_eq!(
        model.json()["error"]["message"],
        "Invalid URL (GET /v1/anything)"
    );
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn recording_can_be_turned_off() {
    let server = MockServer::start().await;
    server.record_requests(false);
    let client = client();
    let answer = call(&client, &server, Method::GET, "/models", None).await;
    assert_eq!(answer.status, 200);
    assert!(server.requests().is_empty());
    server.record_requests(true);
    let answer = call(&client, &server, Method::GET, "/models", None).await;
    // Requests are still counted while recording is off.
    assert_eq!(answer.header("x-request-id"), "req_mock_2");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_all_answered_and_recorded() {
    let server = std::sync::Arc::new(MockServer::start().await);
    let client = client();
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let server = server.clone();
            let client = client.clone();
            tokio::spawn(async move {
                let body = json!({
                    "model": "gpt-4o",
                    "messages": [{"role": "user", "content": format!("hello {i}")}]
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
                assert_eq!(
                    answer.json()["choices"][0]["message"]["content"],
                    format!("hello {i}")
                );
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 64);
    let mut seen: Vec<String> = requests
        .iter()
        .map(|r| {
            r.json()["messages"][0]["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 64);
}
