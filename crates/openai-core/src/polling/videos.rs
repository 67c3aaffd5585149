//! `videos().poll` and `videos().create_and_poll`.

#![allow(
    deprecated,
    reason = "the video resources these helpers call are deprecated"
)]

use openai_types::videos::{CreateVideoMultipartBody, Video, VideoStatus};

use super::{PollConfig, Polling, poll_until};
use crate::generated::videos::Videos;

/// `queued` and `in_progress` go on; anything else is an answer.
fn video_done(video: &Video) -> bool {
    !matches!(video.status, VideoStatus::Queued | VideoStatus::InProgress)
}

impl Videos<'_> {
    /// Waits until the video is no longer `queued` or `in_progress`: see
    /// [`polling`](crate::polling).
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn poll(&self, video_id: &str) -> Polling<Video> {
        let client = self.client.clone();
        let video_id = video_id.to_owned();
        Polling::new(move |config: PollConfig| {
            Box::pin(async move {
                poll_until(&config, || client.videos().retrieve(&video_id), video_done).await
            })
        })
    }

    /// Creates a video, then [`poll`](Self::poll)s it.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn create_and_poll(&self, params: CreateVideoMultipartBody) -> Polling<Video> {
        let client = self.client.clone();
        let create = self.create(params);
        Polling::new(move |config: PollConfig| {
            Box::pin(async move {
                let video = create.options(&config.options).await?;
                poll_until(&config, || client.videos().retrieve(&video.id), video_done).await
            })
        })
    }
}
