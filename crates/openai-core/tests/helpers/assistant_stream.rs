//! The Assistants stream helpers: `runs().stream`,
//! `runs().submit_tool_outputs_stream`, `threads().create_and_run_stream`,
//! their snapshots and handler callbacks (`reference/streaming.md` d).

#![allow(deprecated, reason = "the Assistants API is deprecated upstream")]

use std::sync::{Arc, Mutex};

use futures_util::StreamExt as _;
use openai_core::error::StreamErrorKind;
use openai_core::helpers::{AssistantEventHandler, AssistantStream};
use openai_core::types::beta::threads::{
    AssistantStreamEvent, Message, MessageContentImageFileObjectImageFile, MessageContentItem,
    MessageContentTextObjectText, MessageDeltaContentTextObjectText, MessageDeltaObjectDelta,
    RunCreateParams, RunStatus, RunStep, RunStepDeltaObjectDelta,
    RunStepDeltaStepDetailsToolCallsObjectToolCall, RunStepDetailsToolCallsObjectToolCall,
    RunStepStepDetails, RunSubmitToolOutputsParams, ThreadCreateAndRunParams,
};
use openai_core::{Client, Error};
use openai_mock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{client, collect};

fn run(status: &str) -> Value {
    json!({
        "id": "run_1", "object": "thread.run", "created_at": 1, "thread_id": "thread_1",
        "assistant_id": "asst_1", "status": status, "model": "gpt-4o", "instructions": "",
        "tools": [], "parallel_tool_calls": true,
    })
}

fn step(id: &str, details: Value, status: &str) -> Value {
    json!({
        "id": id, "object": "thread.run.step", "created_at": 2, "assistant_id": "asst_1",
        "thread_id": "thread_1", "run_id": "run_1", "type": details["type"], "status": status,
        "step_details": details,
    })
}

fn message(id: &str, content: Value, status: &str) -> Value {
    json!({
        "id": id, "object": "thread.message", "created_at": 3, "thread_id": "thread_1",
        "status": status, "role": "assistant", "content": content, "assistant_id": "asst_1",
        "run_id": "run_1", "attachments": [], "metadata": {},
    })
}

fn message_delta(id: &str, content: Value) -> Value {
    json!({"id": id, "object": "thread.message.delta", "delta": {"content": content}})
}

fn text_delta(index: i64, value: &str) -> Value {
    json!({"index": index, "type": "text", "text": {"value": value}})
}

fn step_delta(id: &str, tool_calls: Value) -> Value {
    json!({
        "id": id, "object": "thread.run.step.delta",
        "delta": {"step_details": {"type": "tool_calls", "tool_calls": tool_calls}},
    })
}

/// A run that writes one message, "Hello world", with an annotation on its
/// second delta and an image part after the text.
fn message_run() -> Mock {
    let creation = json!({"type": "message_creation", "message_creation": {"message_id": "msg_1"}});
    let final_content = json!([
        {"type": "text", "text": {"value": "Hello world", "annotations": [
            {"type": "file_citation", "text": "[1]", "start_index": 0, "end_index": 3,
             "file_citation": {"file_id": "file_1"}}
        ]}},
        {"type": "image_file", "image_file": {"file_id": "file_img"}},
    ]);
    Mock::sse_named([
        ("thread.run.created", run("queued")),
        ("thread.run.queued", run("queued")),
        ("thread.run.in_progress", run("in_progress")),
        (
            "thread.run.step.created",
            step("step_1", creation.clone(), "in_progress"),
        ),
        (
            "thread.run.step.in_progress",
            step("step_1", creation.clone(), "in_progress"),
        ),
        (
            "thread.message.created",
            message("msg_1", json!([]), "in_progress"),
        ),
        (
            "thread.message.in_progress",
            message("msg_1", json!([]), "in_progress"),
        ),
        (
            "thread.message.delta",
            message_delta("msg_1", json!([text_delta(0, "Hel")])),
        ),
        (
            "thread.message.delta",
            message_delta("msg_1", json!([text_delta(0, "lo")])),
        ),
        (
            "thread.message.delta",
            message_delta(
                "msg_1",
                json!([{"index": 0, "type": "text", "text": {"value": " world", "annotations": [
                    {"index": 0, "type": "file_citation", "text": "[1]", "start_index": 0,
                     "end_index": 3, "file_citation": {"file_id": "file_1"}}
                ]}}]),
            ),
        ),
        (
            "thread.message.delta",
            message_delta(
                "msg_1",
                json!([{"index": 1, "type": "image_file", "image_file": {"file_id": "file_img"}}]),
            ),
        ),
        (
            "thread.message.completed",
            message("msg_1", final_content, "completed"),
        ),
        (
            "thread.run.step.completed",
            step("step_1", creation, "completed"),
        ),
        ("thread.run.completed", run("completed")),
    ])
}

/// A run step with two tool calls streamed in pieces, then
/// `requires_action`.
fn tool_call_run() -> Mock {
    let empty = json!({"type": "tool_calls", "tool_calls": []});
    Mock::sse_named([
        ("thread.run.created", run("queued")),
        (
            "thread.run.step.created",
            step("step_1", empty, "in_progress"),
        ),
        (
            "thread.run.step.delta",
            step_delta(
                "step_1",
                json!([{"index": 0, "type": "function", "id": "call_1",
                        "function": {"name": "get_weather", "arguments": ""}}]),
            ),
        ),
        (
            "thread.run.step.delta",
            step_delta(
                "step_1",
                json!([{"index": 0, "type": "function", "function": {"arguments": "{\"city\":"}}]),
            ),
        ),
        (
            "thread.run.step.delta",
            step_delta(
                "step_1",
                json!([{"index": 0, "type": "function", "function": {"arguments": "\"Paris\"}"}}]),
            ),
        ),
        (
            "thread.run.step.delta",
            step_delta(
                "step_1",
                json!([{"index": 1, "type": "code_interpreter", "id": "call_2",
                        "code_interpreter": {"input": "1 +", "outputs": []}}]),
            ),
        ),
        (
            "thread.run.step.delta",
            step_delta(
                "step_1",
                json!([{"index": 1, "type": "code_interpreter",
                        "code_interpreter": {"input": " 1"}}]),
            ),
        ),
        ("thread.run.requires_action", run("requires_action")),
    ])
}

/// Records every callback as a line of text.
#[derive(Debug, Default, Clone)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }

    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

fn text_of(text: &MessageContentTextObjectText) -> &str {
    &text.value
}

fn tool_call_text(call: &RunStepDetailsToolCallsObjectToolCall) -> String {
    match call {
        RunStepDetailsToolCallsObjectToolCall::Function(f) => {
            format!("{}({})", f.function.name, f.function.arguments)
        }
        RunStepDetailsToolCallsObjectToolCall::CodeInterpreter(c) => {
            format!("code({})", c.code_interpreter.input)
        }
        other => format!("{other:?}"),
    }
}

impl AssistantEventHandler for Recorder {
    fn on_event(&mut self, event: &AssistantStreamEvent) {
        let name = serde_json::to_value(event).unwrap()["event"]
            .as_str()
            .unwrap_or("?")
            .to_owned();
        self.push(format!("event {name}"));
    }
    fn on_run_step_created(&mut self, run_step: &RunStep) {
        self.push(format!("step created {}", run_step.id));
    }
    fn on_run_step_delta(&mut self, _delta: &RunStepDeltaObjectDelta, snapshot: &RunStep) {
        self.push(format!("step delta {}", snapshot.id));
    }
    fn on_run_step_done(&mut self, run_step: &RunStep) {
        self.push(format!("step done {}", run_step.id));
    }
    fn on_tool_call_created(&mut self, tool_call: &RunStepDetailsToolCallsObjectToolCall) {
        self.push(format!("tool created {}", tool_call_text(tool_call)));
    }
    fn on_tool_call_delta(
        &mut self,
        _delta: &RunStepDeltaStepDetailsToolCallsObjectToolCall,
        snapshot: &RunStepDetailsToolCallsObjectToolCall,
    ) {
        self.push(format!("tool delta {}", tool_call_text(snapshot)));
    }
    fn on_tool_call_done(&mut self, tool_call: &RunStepDetailsToolCallsObjectToolCall) {
        self.push(format!("tool done {}", tool_call_text(tool_call)));
    }
    fn on_message_created(&mut self, message: &Message) {
        self.push(format!("message created {}", message.id));
    }
    fn on_message_delta(&mut self, _delta: &MessageDeltaObjectDelta, snapshot: &Message) {
        self.push(format!("message delta {} parts", snapshot.content.len()));
    }
    fn on_message_done(&mut self, message: &Message) {
        self.push(format!("message done {}", message.id));
    }
    fn on_text_created(&mut self, text: &MessageContentTextObjectText) {
        self.push(format!("text created {:?}", text_of(text)));
    }
    fn on_text_delta(
        &mut self,
        delta: &MessageDeltaContentTextObjectText,
        snapshot: &MessageContentTextObjectText,
    ) {
        self.push(format!(
            "text delta {:?} -> {:?}",
            delta.value.as_deref().unwrap_or_default(),
            text_of(snapshot)
        ));
    }
    fn on_text_done(&mut self, text: &MessageContentTextObjectText) {
        self.push(format!(
            "text done {:?} ({} annotations)",
            text_of(text),
            text.annotations.len()
        ));
    }
    fn on_image_file_done(&mut self, image_file: &MessageContentImageFileObjectImageFile) {
        self.push(format!("image done {}", image_file.file_id));
    }
    fn on_timeout(&mut self) {
        self.push("timeout".to_owned());
    }
    fn on_exception(&mut self, error: &Error) {
        self.push(format!("exception {}", error_kind(error)));
    }
    fn on_end(&mut self) {
        self.push("end".to_owned());
    }
}

fn error_kind(error: &Error) -> &'static str {
    match error {
        Error::Api(_) => "api",
        Error::Stream(_) => "stream",
        Error::Connection(_) => "connection",
        Error::Timeout => "timeout",
        _ => "other",
    }
}

fn params() -> RunCreateParams {
    RunCreateParams::new("asst_1")
}

async fn open(client: &Client) -> AssistantStream {
    client
        .beta()
        .threads()
        .runs()
        .stream("thread_1", params())
        .await
        .expect("the stream opens")
}

#[tokio::test]
async fn each_helper_sends_its_header_and_stream_true() {
    let server = MockServer::start().await;
    let client = client(&server);
    server.enqueue(message_run());
    open(&client).await.until_done().await.unwrap();
    server.enqueue(message_run());
    client
        .beta()
        .threads()
        .runs()
        .submit_tool_outputs_stream("thread_1", "run_1", RunSubmitToolOutputsParams::new([]))
        .event_handler(Recorder::default())
        .await
        .unwrap()
        .until_done()
        .await
        .unwrap();
    server.enqueue(message_run());
    client
        .beta()
        .threads()
        .create_and_run_stream(ThreadCreateAndRunParams::new("asst_1"))
        .header("x-custom", "1")
        .await
        .unwrap()
        .until_done()
        .await
        .unwrap();

    let requests = server.requests();
    let seen: Vec<_> = requests
        .iter()
        .map(|r| {
            (
                r.path().to_owned(),
                r.header("x-stainless-stream-helper").map(str::to_owned),
                r.header("x-stainless-custom-event-handler")
                    .map(str::to_owned),
                r.json()["stream"].clone(),
            )
        })
        .collect();
    let expect = |path: &str, helper: &str, custom: &str| {
        (
            path.to_owned(),
            Some(helper.to_owned()),
            Some(custom.to_owned()),
            json!(true),
        )
    };
    assert_eq!(
        seen,
        [
            expect(
                "/v1/threads/thread_1/runs",
                "threads.runs.create_and_stream",
                "false"
            ),
            expect(
                "/v1/threads/thread_1/runs/run_1/submit_tool_outputs",
                "threads.runs.submit_tool_outputs_stream",
                "true"
            ),
            expect("/v1/threads/runs", "threads.create_and_run_stream", "false"),
        ]
    );
    assert_eq!(requests[2].header("x-custom"), Some("1"));
    assert_eq!(requests[0].header("openai-beta"), Some("assistants=v2"));
}

#[tokio::test]
async fn the_raw_stream_stays_reachable_without_helper_headers() {
    let server = MockServer::start().await;
    server.enqueue(message_run());
    let mut raw = client(&server)
        .beta()
        .threads()
        .create_and_run_raw_stream(ThreadCreateAndRunParams::new("asst_1"))
        .await
        .unwrap();
    let (events, error) = collect(&mut raw).await;
    assert!(error.is_none());
    assert_eq!(events.len(), 14);
    let request = &server.requests()[0];
    assert_eq!(request.header("x-stainless-stream-helper"), None);
    assert_eq!(request.json()["stream"], json!(true));
}

#[tokio::test]
async fn snapshots_follow_a_message_run() {
    let server = MockServer::start().await;
    server.enqueue(message_run());
    let mut stream = open(&client(&server)).await;

    let mut seen = Vec::new();
    while let Some(event) = stream.next().await {
        let event = event.unwrap();
        if let AssistantStreamEvent::ThreadMessageDelta(_) = &event {
            let snapshot = stream.current_message_snapshot().unwrap();
            let MessageContentItem::Text(text) = &snapshot.content[0] else {
                panic!("a text part first: {:?}", snapshot.content);
            };
            seen.push(text.text.value.clone());
        }
        if let AssistantStreamEvent::ThreadRunInProgress(_) = &event {
            assert_eq!(stream.current_run().unwrap().status, RunStatus::InProgress);
        }
        if let AssistantStreamEvent::ThreadRunStepInProgress(_) = &event {
            assert_eq!(stream.current_run_step_snapshot().unwrap().id, "step_1");
        }
    }
    assert_eq!(seen, ["Hel", "Hello", "Hello world", "Hello world"]);
    // Between steps there is no current step; the run is the last one.
    assert!(stream.current_run_step_snapshot().is_none());
    assert_eq!(stream.current_run().unwrap().status, RunStatus::Completed);

    let messages = stream.final_messages().await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].content.len(), 2);
    let steps = stream.final_run_steps().await.unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(
        serde_json::to_value(&steps[0].status).unwrap(),
        json!("completed")
    );
    let run = stream.final_run().await.unwrap();
    assert_eq!(run.status, RunStatus::Completed);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn the_merged_message_matches_the_servers_final_copy() {
    // The deltas alone (no `thread.message.completed`) add up to the
    // message the server would send at the end.
    let server = MockServer::start().await;
    server.enqueue(Mock::sse_named([
        (
            "thread.message.created",
            message("msg_1", json!([]), "in_progress"),
        ),
        (
            "thread.message.delta",
            message_delta("msg_1", json!([text_delta(0, "Hel")])),
        ),
        (
            "thread.message.delta",
            message_delta(
                "msg_1",
                json!([{"index": 0, "type": "text", "text": {"value": "lo", "annotations": [
                    {"index": 0, "type": "file_path", "text": "a", "start_index": 0,
                     "end_index": 1, "file_path": {"file_id": "file_1"}}
                ]}}]),
            ),
        ),
        (
            "thread.message.delta",
            message_delta("msg_1", json!([text_delta(0, "!")])),
        ),
    ]));
    let mut stream = open(&client(&server)).await;
    stream.until_done().await.unwrap();
    let snapshot = stream.current_message_snapshot().unwrap();
    let MessageContentItem::Text(text) = &snapshot.content[0] else {
        panic!("a text part: {:?}", snapshot.content);
    };
    assert_eq!(text.text.value, "Hello!");
    assert_eq!(text.text.annotations.len(), 1);
    assert_eq!(
        serde_json::to_value(&text.text.annotations[0]).unwrap()["file_path"]["file_id"],
        json!("file_1")
    );
}

#[tokio::test]
async fn the_handler_hears_a_message_run_in_order() {
    let server = MockServer::start().await;
    server.enqueue(message_run());
    let recorder = Recorder::default();
    let mut stream = client(&server)
        .beta()
        .threads()
        .runs()
        .stream("thread_1", params())
        .event_handler(recorder.clone())
        .await
        .unwrap();
    stream.until_done().await.unwrap();
    assert_eq!(
        recorder.lines(),
        [
            "event thread.run.created",
            "event thread.run.queued",
            "event thread.run.in_progress",
            "event thread.run.step.created",
            "step created step_1",
            "event thread.run.step.in_progress",
            "event thread.message.created",
            "message created msg_1",
            "event thread.message.in_progress",
            "event thread.message.delta",
            "text created \"Hel\"",
            "text delta \"Hel\" -> \"Hel\"",
            "message delta 1 parts",
            "event thread.message.delta",
            "text delta \"lo\" -> \"Hello\"",
            "message delta 1 parts",
            "event thread.message.delta",
            "text delta \" world\" -> \"Hello world\"",
            "message delta 1 parts",
            "event thread.message.delta",
            "text done \"Hello world\" (1 annotations)",
            "message delta 2 parts",
            "event thread.message.completed",
            "image done file_img",
            "message done msg_1",
            "event thread.run.step.completed",
            "step done step_1",
            "event thread.run.completed",
            "end",
        ]
    );
    // The handler comes back with what it gathered.
    assert_eq!(stream.into_handler().lines().len(), 29);
}

#[tokio::test]
async fn tool_calls_accumulate_and_are_done_once() {
    let server = MockServer::start().await;
    server.enqueue(tool_call_run());
    let recorder = Recorder::default();
    let mut stream = client(&server)
        .beta()
        .threads()
        .runs()
        .stream("thread_1", params())
        .event_handler(recorder.clone())
        .await
        .unwrap();
    let run = stream.final_run().await.unwrap();
    assert_eq!(run.status, RunStatus::RequiresAction);
    let lines: Vec<_> = recorder
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("tool"))
        .collect();
    assert_eq!(
        lines,
        [
            "tool created get_weather()",
            "tool delta get_weather({\"city\":)",
            "tool delta get_weather({\"city\":\"Paris\"})",
            "tool done get_weather({\"city\":\"Paris\"})",
            "tool created code(1 +)",
            "tool delta code(1 + 1)",
            "tool done code(1 + 1)",
        ]
    );
    // The step snapshot holds both calls, merged.
    let steps = stream.final_run_steps().await.unwrap();
    let RunStepStepDetails::ToolCalls(details) = &steps[0].step_details else {
        panic!("tool calls: {:?}", steps[0].step_details);
    };
    let calls: Vec<_> = details.tool_calls.iter().map(tool_call_text).collect();
    assert_eq!(calls, ["get_weather({\"city\":\"Paris\"})", "code(1 + 1)"]);
}

#[tokio::test]
async fn text_deltas_yield_the_fragments() {
    let server = MockServer::start().await;
    server.enqueue(message_run());
    let mut stream = open(&client(&server)).await;
    let fragments: Vec<String> = stream
        .text_deltas()
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .await;
    assert_eq!(fragments, ["Hel", "lo", " world"]);
    // The snapshots were kept meanwhile.
    assert_eq!(stream.final_messages().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_delta_before_its_message_is_a_typed_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse_named([
        ("thread.run.created", run("queued")),
        (
            "thread.message.delta",
            message_delta("msg_9", json!([text_delta(0, "x")])),
        ),
        ("thread.run.completed", run("completed")),
    ]));
    let recorder = Recorder::default();
    let mut stream = client(&server)
        .beta()
        .threads()
        .runs()
        .stream("thread_1", params())
        .event_handler(recorder.clone())
        .await
        .unwrap();
    let (events, error) = collect(&mut stream).await;
    assert_eq!(events.len(), 1);
    let Some(Error::Stream(e)) = error else {
        panic!("a stream error: {error:?}");
    };
    assert_eq!(e.kind(), StreamErrorKind::UnknownSnapshot);
    // The stream has ended; the handler heard of it once.
    assert!(stream.next().await.is_none());
    let lines = recorder.lines();
    assert_eq!(lines[lines.len() - 2..], ["exception stream", "end"]);
    // A step delta for an unknown step as well.
    server.enqueue(Mock::sse_named([(
        "thread.run.step.delta",
        step_delta("step_9", json!([])),
    )]));
    let (_, error) = collect(&mut open(&client(&server)).await).await;
    assert!(
        matches!(error, Some(Error::Stream(e)) if e.kind() == StreamErrorKind::UnknownSnapshot)
    );
}

#[tokio::test]
async fn a_mid_stream_error_event_is_an_api_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse_named([
        ("thread.run.created", run("queued")),
        (
            "error",
            json!({"message": "The server had an error", "type": "server_error", "code": "oops"}),
        ),
    ]));
    let recorder = Recorder::default();
    let mut stream = client(&server)
        .beta()
        .threads()
        .runs()
        .stream("thread_1", params())
        .event_handler(recorder.clone())
        .await
        .unwrap();
    let error = stream.final_run().await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("an API error: {error:?}");
    };
    assert_eq!(api.message(), "The server had an error");
    assert_eq!(recorder.lines().last().map(String::as_str), Some("end"));
}

#[tokio::test]
async fn a_cut_stream_fails_and_ends_the_handler() {
    let server = MockServer::start().await;
    server.enqueue(message_run().cut_after(3));
    let recorder = Recorder::default();
    let mut stream = client(&server)
        .beta()
        .threads()
        .runs()
        .stream("thread_1", params())
        .event_handler(recorder.clone())
        .await
        .unwrap();
    let (events, error) = collect(&mut stream).await;
    assert_eq!(events.len(), 3);
    assert!(matches!(error, Some(Error::Connection(_))), "{error:?}");
    let lines = recorder.lines();
    assert_eq!(lines[lines.len() - 2..], ["exception connection", "end"]);
}

#[tokio::test]
async fn unknown_events_are_kept_and_no_final_run_is_an_error() {
    let server = MockServer::start().await;
    server.enqueue(Mock::sse_named([(
        "thread.run.teleported",
        json!({"id": "x"}),
    )]));
    let mut stream = open(&client(&server)).await;
    let event = stream.next().await.unwrap().unwrap();
    assert!(
        matches!(event, AssistantStreamEvent::Unknown(_)),
        "{event:?}"
    );
    let error = stream.final_run().await.unwrap_err();
    assert!(matches!(error, Error::Stream(e) if e.kind() == StreamErrorKind::EndedEarly));
}

#[tokio::test]
async fn a_failed_request_reaches_the_handler() {
    let server = MockServer::start().await;
    server.enqueue(Mock::error(400));
    let recorder = Recorder::default();
    let error = client(&server)
        .beta()
        .threads()
        .runs()
        .stream("thread_1", params())
        .event_handler(recorder.clone())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api(_)));
    assert_eq!(recorder.lines(), ["exception api", "end"]);
}
