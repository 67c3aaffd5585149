//! The stop rules of `reference/pagination.md` 2 and 6, one test each, and
//! the walk over pages.

use futures_util::{StreamExt as _, TryStreamExt as _};
use openai_core::Error;
use openai_core::types::admin::GroupListParams;
use openai_core::types::conversations::ItemListParams;
use openai_core::types::fine_tuning::JobListParams;
use openai_mock::{Mock, MockServer};
use serde_json::json;

use crate::support::client;

fn job(id: &str) -> serde_json::Value {
    json!({"id": id, "object": "fine_tuning.job"})
}

fn after_of(server: &MockServer) -> Vec<Option<String>> {
    server
        .requests()
        .iter()
        .map(|r| {
            r.query_pairs()
                .into_iter()
                .find(|(k, _)| k == "after")
                .map(|(_, v)| v)
        })
        .collect()
}

#[tokio::test]
async fn has_more_false_stops_even_with_a_cursor() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(
        json!({"data": [job("a"), job("b")], "has_more": false, "last_id": "b"}),
    ));
    let client = client(&server);
    let jobs = client.fine_tuning().jobs();
    let page = jobs.list(JobListParams::new()).await.unwrap();
    assert!(!page.has_next_page());
    assert_eq!(page.next_page_info(), None);
    assert!(matches!(
        page.get_next_page().await,
        Err(Error::Pagination(_))
    ));
    assert_eq!(
        server.requests().len(),
        1,
        "nothing sent for a missing page"
    );
}

#[tokio::test]
async fn empty_data_wins_over_has_more_true() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({"data": [], "has_more": true})));
    let client = client(&server);
    let page = client
        .fine_tuning()
        .jobs()
        .list(JobListParams::new())
        .await
        .unwrap();
    assert!(!page.has_next_page());
}

#[tokio::test]
async fn null_or_missing_data_is_empty() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({"data": null, "has_more": true})));
    server.enqueue(Mock::ok(json!({"has_more": true})));
    let client = client(&server);
    for _ in 0..2 {
        let page = client
            .fine_tuning()
            .jobs()
            .list(JobListParams::new())
            .await
            .unwrap();
        assert!(page.data.is_empty());
        assert!(!page.has_next_page());
    }
}

#[tokio::test]
async fn absent_has_more_follows_the_last_item_id_until_an_empty_page() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({"data": [job("a"), job("b")]})));
    server.enqueue(Mock::ok(json!({"data": [job("c")]})));
    server.enqueue(Mock::ok(json!({"data": []})));
    let client = client(&server);
    let ids: Vec<String> = client
        .fine_tuning()
        .jobs()
        .list(JobListParams::new().limit(2))
        .auto_paging()
        .map_ok(|j| j.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(
        after_of(&server),
        [None, Some("b".to_owned()), Some("c".to_owned())]
    );
    // The original query stays on every page.
    for r in server.requests() {
        assert!(
            r.query_pairs()
                .contains(&("limit".to_owned(), "2".to_owned()))
        );
    }
}

#[tokio::test]
async fn a_last_item_without_id_ends_the_walk() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(
        json!({"data": [job("a"), {"object": "fine_tuning.job"}], "has_more": true}),
    ));
    server.enqueue(Mock::ok(
        json!({"data": [job("a"), {"id": null}], "has_more": true}),
    ));
    let client = client(&server);
    for _ in 0..2 {
        let page = client
            .fine_tuning()
            .jobs()
            .list(JobListParams::new())
            .await
            .unwrap();
        assert!(!page.has_next_page());
    }
}

#[tokio::test]
async fn conversation_pages_follow_last_id_not_item_ids() {
    let server = MockServer::start().await;
    let item = json!({"type": "message", "id": "item_x", "role": "user", "content": []});
    server.enqueue(Mock::ok(
        json!({"data": [item], "has_more": true, "last_id": "cursor_1"}),
    ));
    server.enqueue(Mock::ok(
        json!({"data": [item], "has_more": true, "last_id": ""}),
    ));
    let client = client(&server);
    let items = client.conversations().items();
    let page = items.list("conv_1", ItemListParams::new()).await.unwrap();
    assert_eq!(page.next_page_info().unwrap().after(), "cursor_1");
    let next = page.get_next_page().await.unwrap();
    assert!(!next.has_next_page(), "an empty last_id is no cursor");
    assert_eq!(after_of(&server), [None, Some("cursor_1".to_owned())]);
    assert_eq!(
        server.requests()[1].path(),
        "/v1/conversations/conv_1/items"
    );
}

#[tokio::test]
async fn next_cursor_pages_send_next_as_after() {
    let server = MockServer::start().await;
    let group = json!({"id": "g", "object": "group"});
    server.enqueue(Mock::ok(
        json!({"data": [group], "has_more": true, "next": "n2"}),
    ));
    server.enqueue(Mock::ok(
        json!({"data": [group], "has_more": true, "next": null}),
    ));
    let client = client(&server);
    let all: Vec<_> = client
        .admin()
        .organization()
        .groups()
        .list(GroupListParams::new())
        .auto_paging()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(after_of(&server), [None, Some("n2".to_owned())]);
    for r in server.requests() {
        assert_eq!(r.header("authorization"), Some("Bearer sk-test-admin"));
    }
}

#[tokio::test]
async fn follow_up_pages_keep_headers_and_query_and_override_after() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({"data": [job("a")], "has_more": true})));
    server.enqueue(Mock::ok(json!({"data": [job("b")], "has_more": false})));
    let client = client(&server);
    let page = client
        .fine_tuning()
        .jobs()
        .list(JobListParams::new().after("start"))
        .header("x-custom", "1")
        .query("foo", "bar")
        .await
        .unwrap();
    let next = page.get_next_page().await.unwrap();
    assert_eq!(next.data[0].id, "b");
    let second = &server.requests()[1];
    assert_eq!(second.header("x-custom"), Some("1"));
    let q = second.query_pairs();
    assert!(q.contains(&("foo".to_owned(), "bar".to_owned())));
    let afters: Vec<_> = q.iter().filter(|(k, _)| k == "after").collect();
    assert_eq!(afters.len(), 1);
    assert_eq!(afters[0].1, "a");
}

#[tokio::test]
async fn a_cursor_that_does_not_advance_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    server.set_default(Mock::ok(json!({"data": [job("same")], "has_more": true})));
    let client = client(&server);
    let mut items = client
        .fine_tuning()
        .jobs()
        .list(JobListParams::new())
        .auto_paging();
    let mut ok = 0;
    let err = loop {
        match items.next().await {
            Some(Ok(_)) => ok += 1,
            Some(Err(e)) => break e,
            None => panic!("the walk ended without an error"),
        }
    };
    assert!(matches!(err, Error::Pagination(_)), "{err:?}");
    assert_eq!(ok, 2, "both pages' items came before the error");
    assert_eq!(server.requests().len(), 2);
    assert!(items.next().await.is_none());
}

#[tokio::test]
async fn an_error_ends_the_walk_after_the_items_already_yielded() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(
        json!({"data": [job("a"), job("b")], "has_more": true}),
    ));
    server.enqueue(Mock::error(400));
    let client = client(&server);
    let mut items = client
        .fine_tuning()
        .jobs()
        .list(JobListParams::new())
        .auto_paging();
    assert_eq!(items.next().await.unwrap().unwrap().id, "a");
    assert_eq!(items.next().await.unwrap().unwrap().id, "b");
    assert!(matches!(items.next().await, Some(Err(Error::Api(_)))));
    assert!(items.next().await.is_none());
}

#[tokio::test]
async fn a_page_parsed_from_a_raw_response_pages_on() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(json!({"data": [job("a")], "has_more": true})));
    server.enqueue(Mock::ok(json!({"data": [job("b")], "has_more": false})));
    let client = client(&server);
    let raw = client
        .fine_tuning()
        .jobs()
        .list(JobListParams::new())
        .with_raw_response()
        .await
        .unwrap();
    let page = raw.parse().unwrap();
    let next = page.get_next_page().await.unwrap();
    assert_eq!(next.data[0].id, "b");
    assert_eq!(after_of(&server), [None, Some("a".to_owned())]);
}

#[tokio::test]
async fn single_pages_never_have_a_next_page() {
    let server = MockServer::start().await;
    server.enqueue(Mock::ok(
        json!({"object": "list", "data": [{"id": "m", "object": "model"}], "has_more": true, "last_id": "m"}),
    ));
    let client = client(&server);
    let page = client.models().list().await.unwrap();
    assert!(!page.has_next_page());
    assert_eq!(page.extra["has_more"], true, "other fields are kept");
}
