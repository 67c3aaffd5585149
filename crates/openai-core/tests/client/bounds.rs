//! Compile-time promises (STYLE.md 11): what users hold across `.await` and
//! threads is `Send`, and `Sync` where sharing makes sense.

use std::future::IntoFuture;

use openai_core::pagination::Page;
use openai_core::types::Model;
use openai_core::types::chat::{ChatCompletion, ChatCompletionChunk};
use openai_core::{
    ApiError, Client, ClientBuilder, Error, RawResponse, Request, RequestOptions, Stream,
};

fn send<T: Send>() {}
fn send_sync<T: Send + Sync>() {}
fn send_static<T: Send + 'static>() {}

#[test]
fn public_types_are_send_and_sync() {
    send_sync::<Client>();
    send_sync::<ClientBuilder>();
    send_sync::<RequestOptions>();
    send_sync::<Error>();
    send_sync::<ApiError>();
    send_sync::<Stream<ChatCompletionChunk>>();
    send::<Request<ChatCompletion>>();
    send::<RawResponse<ChatCompletion>>();
}

#[test]
fn request_futures_are_send_so_they_can_be_spawned() {
    send_static::<<Request<ChatCompletion> as IntoFuture>::IntoFuture>();
    send_static::<<Request<Stream<ChatCompletionChunk>> as IntoFuture>::IntoFuture>();
    send_static::<<Request<Page<Model>> as IntoFuture>::IntoFuture>();
    send_static::<<openai_core::request::RawRequest<ChatCompletion> as IntoFuture>::IntoFuture>();
}

#[test]
fn errors_are_std_errors_usable_with_box_dyn_error() {
    fn boxed<E: std::error::Error + Send + Sync + 'static>() {}
    boxed::<Error>();
    boxed::<ApiError>();
}

#[tokio::test]
async fn a_call_can_run_on_a_spawned_task() {
    let server = openai_mock::MockServer::start().await;
    let client = crate::support::test_client(&server);
    let handle = tokio::spawn(
        client
            .chat()
            .completions()
            .create(crate::support::params())
            .into_future(),
    );
    let completion = handle.await.unwrap().unwrap();
    assert_eq!(completion.choices.len(), 1);
}

#[tokio::test]
async fn clones_of_one_client_run_calls_concurrently() {
    let server = openai_mock::MockServer::start().await;
    let client = crate::support::test_client(&server);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.models().list().await })
        })
        .collect();
    for task in tasks {
        assert!(!task.await.unwrap().unwrap().data.is_empty());
    }
    assert_eq!(server.requests().len(), 16);
}

/// tests-to-match 11.2: a copy shares the client's connection pool instead of
/// owning one, so dropping the copy leaves the original usable.
#[tokio::test]
async fn case_11_2_dropping_a_copy_leaves_the_original_working() {
    let server = openai_mock::MockServer::start().await;
    let client = Client::builder()
        .api_key("k")
        .base_url(server.url())
        .build()
        .unwrap();
    let copy = client.with_options(RequestOptions::new().header("x-copy", "1"));
    copy.models().list().await.unwrap();
    drop(copy);
    client.models().list().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("x-copy"), Some("1"));
    assert_eq!(requests[1].header("x-copy"), None);
}
