//! `files().wait_for_processing`.

#![allow(
    deprecated,
    reason = "the spec deprecates `FileObject.status`, which this helper of the Python SDK reads"
)]

use std::time::Duration;

use openai_types::{FileObject, FileObjectStatus};

use super::{PollConfig, Polling};
use crate::error::{Error, PollingError};
use crate::generated::files::Files;

/// Python's interval for this helper (it ignores `openai-poll-after-ms`).
pub const FILE_PROCESSING_INTERVAL: Duration = Duration::from_secs(5);

/// Python's longest wait for this helper.
pub const FILE_PROCESSING_MAX_WAIT: Duration = Duration::from_secs(30 * 60);

fn processed(file: &FileObject) -> bool {
    matches!(
        file.status,
        FileObjectStatus::Processed | FileObjectStatus::Error
    ) || file.status.as_str() == "deleted"
}

impl Files<'_> {
    /// Waits until the file is `processed`, `error` or `deleted`, checking
    /// every 5 s ([`poll_interval`](Polling::poll_interval) changes it) for
    /// at most 30 minutes, then fails with [`Error::Polling`]. Sends no
    /// polling headers and ignores `openai-poll-after-ms`, as Python does.
    pub fn wait_for_processing(&self, file_id: &str) -> Polling<FileObject> {
        let client = self.client.clone();
        let file_id = file_id.to_owned();
        Polling::new(move |config: PollConfig| {
            Box::pin(async move {
                let interval = config.interval.unwrap_or(FILE_PROCESSING_INTERVAL);
                let start = tokio::time::Instant::now();
                let retrieve = || client.files().retrieve(&file_id).options(&config.options);
                let mut file = retrieve().await?;
                while !processed(&file) {
                    tokio::time::sleep(interval).await;
                    file = retrieve().await?;
                    if start.elapsed() > FILE_PROCESSING_MAX_WAIT && !processed(&file) {
                        return Err(Error::Polling(PollingError::new(format!(
                            "gave up waiting for file {file_id} to finish processing after {} seconds",
                            FILE_PROCESSING_MAX_WAIT.as_secs()
                        ))));
                    }
                }
                Ok(file)
            })
        })
    }
}
