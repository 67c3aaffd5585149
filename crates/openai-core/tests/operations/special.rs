//! Per-operation behaviour the generated tests do not cover: the `betas`
//! header of the `?beta=true` Responses operations, the query of operations
//! that also take a body, and the audio stream modes.

use openai_core::types;
use openai_mock::{Mock, MockServer};

use crate::support::{client, json, params};

#[tokio::test]
async fn beta_responses_send_the_betas_list_comma_joined_as_openai_beta() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json(r#"{"id":"resp_1"}"#)));
    server.enqueue(Mock::ok(json(r#"{"id":"resp_1"}"#)));
    server.enqueue(Mock::raw(200, "", "application/json"));
    let client = client(&server);
    let params: types::beta::responses::BetaResponseCreateParams =
        params(r#"{"model":"gpt-4o","input":"hi"}"#);
    client
        .beta()
        .responses()
        .create(params)
        .betas(["responses_multi_agent=v1", "other=v2"])
        .await
        .expect("beta.responses.create");
    client
        .beta()
        .responses()
        .retrieve("resp_1", Default::default())
        .betas(["responses_multi_agent=v1"])
        .await
        .expect("beta.responses.retrieve");
    client
        .beta()
        .responses()
        .delete("resp_1")
        .betas(Vec::<String>::new())
        .await
        .expect("beta.responses.delete");

    let requests = server.requests();
    assert_eq!(
        requests[0].header("openai-beta"),
        Some("responses_multi_agent=v1,other=v2")
    );
    assert_eq!(requests[0].query_pairs(), [("beta".into(), "true".into())]);
    assert_eq!(
        requests[1].header("openai-beta"),
        Some("responses_multi_agent=v1")
    );
    assert_eq!(
        requests[2].header("openai-beta"),
        None,
        "an empty list sends nothing"
    );
}

#[tokio::test]
async fn betas_replace_the_beta_header_an_endpoint_sends() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json(
        r#"{"object":"list","data":[],"has_more":false}"#,
    )));
    client(&server)
        .vector_stores()
        .list(Default::default())
        .betas(["assistants=v3"])
        .await
        .expect("vector_stores.list");
    assert_eq!(
        server.requests()[0].header("openai-beta"),
        Some("assistants=v3")
    );
}

#[tokio::test]
async fn query_parameters_beside_a_body_go_to_the_query_string() {
    let server = MockServer::start().await;
    for _ in 0..3 {
        server.enqueue(Mock::ok(json(r#"{"id":"x"}"#)));
    }
    let client = client(&server);
    let items: types::conversations::ItemCreateParams = params(
        r#"{"items":[],"include":["message.output_text.logprobs","file_search_call.results"]}"#,
    );
    let _ = client.conversations().items().create("conv_1", items).await;
    #[allow(deprecated, reason = "the Assistants API is deprecated like Python's")]
    let _ = client
        .beta()
        .threads()
        .runs()
        .create(
            "thread_1",
            params(
                r#"{"assistant_id":"asst_1","include":["step_details.tool_calls[*].file_search.results[*].content"]}"#,
            ),
        )
        .await;
    let without: types::conversations::ItemCreateParams = params(r#"{"items":[]}"#);
    let _ = client
        .conversations()
        .items()
        .create("conv_1", without)
        .await;

    let requests = server.requests();
    assert_eq!(
        requests[0].query_pairs(),
        [
            ("include[]".into(), "message.output_text.logprobs".into()),
            ("include[]".into(), "file_search_call.results".into())
        ]
    );
    assert_eq!(
        requests[0].json(),
        json(r#"{"items":[]}"#),
        "not in the body"
    );
    assert_eq!(
        requests[1].query_pairs(),
        [(
            "include[]".into(),
            "step_details.tool_calls[*].file_search.results[*].content".into()
        )]
    );
    assert!(requests[1].json().get("include").is_none());
    assert!(requests[2].query_pairs().is_empty(), "absent: no query");
}

#[tokio::test]
async fn a_union_answer_keeps_the_request_id_in_its_variant() {
    let server = MockServer::start().await;
    let client = client(&server);
    // The mock's own answer (a message item), with a request id of ours.
    let item: serde_json::Value = client
        .get("/conversations/conv_1/items/msg_1")
        .await
        .expect("the mock answers");
    server.enqueue(Mock::ok(item).header("x-request-id", "req_union"));
    let got = client
        .conversations()
        .items()
        .retrieve("conv_1", "msg_1", Default::default())
        .await
        .expect("conversations.items.retrieve");
    assert_eq!(got.request_id(), Some("req_union"));
}
