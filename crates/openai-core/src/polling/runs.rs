//! The run helpers: `runs().poll`, `create_and_poll`,
//! `submit_tool_outputs_and_poll` and `threads().create_and_run_poll`.

#![allow(
    deprecated,
    reason = "the Assistants resources these helpers call are deprecated"
)]

use openai_types::beta::threads::{
    Run, RunCreateParams, RunStatus, RunSubmitToolOutputsParams, ThreadCreateAndRunParams,
};

use super::{PollConfig, Polling, poll_until};
use crate::Client;
use crate::generated::beta::threads::Threads;
use crate::generated::beta::threads::runs::Runs;
use crate::request::Request;

/// `queued`, `in_progress` and `cancelling` go on; anything else is an
/// answer (an unknown status too, where Python would poll forever).
fn run_done(run: &Run) -> bool {
    !matches!(
        run.status,
        RunStatus::Queued | RunStatus::InProgress | RunStatus::Cancelling
    )
}

/// Sends `first` with `"stream": false` (as Python's helpers do), then
/// polls the run it returns.
fn then_poll(client: &Client, first: Request<Run>) -> Polling<Run> {
    let client = client.clone();
    let first = first.extra_body(serde_json::json!({ "stream": false }));
    Polling::new(move |config: PollConfig| {
        Box::pin(async move {
            let run = first.options(&config.options).await?;
            poll_run(&client, &config, &run.thread_id, &run.id).await
        })
    })
}

async fn poll_run(
    client: &Client,
    config: &PollConfig,
    thread_id: &str,
    run_id: &str,
) -> Result<Run, crate::Error> {
    poll_until(
        config,
        || client.beta().threads().runs().retrieve(thread_id, run_id),
        run_done,
    )
    .await
}

impl Runs<'_> {
    /// Waits until the run needs action or has ended (`requires_action`,
    /// `cancelled`, `completed`, `failed`, `expired`, `incomplete`): see
    /// [`polling`](crate::polling).
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn poll(&self, thread_id: &str, run_id: &str) -> Polling<Run> {
        let client = self.client.clone();
        let (thread_id, run_id) = (thread_id.to_owned(), run_id.to_owned());
        Polling::new(move |config: PollConfig| {
            Box::pin(async move { poll_run(&client, &config, &thread_id, &run_id).await })
        })
    }

    /// Creates a run (not streamed), then [`poll`](Self::poll)s it.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn create_and_poll(&self, thread_id: &str, params: RunCreateParams) -> Polling<Run> {
        then_poll(self.client, self.create(thread_id, params))
    }

    /// Submits tool outputs (not streamed), then [`poll`](Self::poll)s the
    /// run.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn submit_tool_outputs_and_poll(
        &self,
        thread_id: &str,
        run_id: &str,
        params: RunSubmitToolOutputsParams,
    ) -> Polling<Run> {
        then_poll(
            self.client,
            self.submit_tool_outputs(thread_id, run_id, params),
        )
    }
}

impl Threads<'_> {
    /// Creates a thread and runs it (not streamed), then polls the run as
    /// [`Runs::poll`] does.
    pub fn create_and_run_poll(&self, params: ThreadCreateAndRunParams) -> Polling<Run> {
        then_poll(self.client, self.create_and_run(params))
    }
}
