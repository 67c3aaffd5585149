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
