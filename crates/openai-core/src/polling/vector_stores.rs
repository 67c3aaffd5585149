//! The vector store helpers: `files().poll`, `create_and_poll`, `upload`,
//! `upload_and_poll`, and `file_batches().poll`, `create_and_poll`,
//! `upload_and_poll`.

use futures_util::StreamExt as _;
use openai_types::{
    FileBatchCreateParams, FileUpload, VectorStoreFile, VectorStoreFileBatch,
    VectorStoreFileCreateParams, VectorStoreFileStatus,
};

use super::{PollConfig, Polling, poll_until};
use crate::Client;
use crate::error::Error;
use crate::generated::vector_stores::file_batches::FileBatches;
use crate::generated::vector_stores::files::Files;

/// How many files `file_batches().upload_and_poll` uploads at once, as in
/// Python.
pub const DEFAULT_UPLOAD_CONCURRENCY: usize = 5;

/// `in_progress` goes on; anything else is an answer.
fn file_done(file: &VectorStoreFile) -> bool {
    !matches!(file.status, VectorStoreFileStatus::InProgress)
}

/// Python looks at the counts, not the batch's status.
fn batch_done(batch: &VectorStoreFileBatch) -> bool {
    batch.file_counts.in_progress <= 0
}

async fn poll_file(
    client: &Client,
    config: &PollConfig,
    vector_store_id: &str,
    file_id: &str,
) -> Result<VectorStoreFile, Error> {
    poll_until(
        config,
        || {
            client
                .vector_stores()
                .files()
                .retrieve(vector_store_id, file_id)
        },
        file_done,
    )
    .await
}

async fn poll_batch(
    client: &Client,
    config: &PollConfig,
    vector_store_id: &str,
    batch_id: &str,
) -> Result<VectorStoreFileBatch, Error> {
    poll_until(
        config,
        || {
            client
                .vector_stores()
                .file_batches()
                .retrieve(vector_store_id, batch_id)
        },
        batch_done,
    )
    .await
}

/// Uploads `file` for the Assistants tools (`purpose: "assistants"`); its id.
#[cfg(feature = "files")]
async fn upload_file(
    client: &Client,
    config: &PollConfig,
    file: FileUpload,
) -> Result<String, Error> {
    use openai_types::{FileCreateParams, FileCreateParamsPurpose};
    let params = FileCreateParams::new(file, FileCreateParamsPurpose::Assistants);
    let created = client
        .files()
        .create(params)
        .options(&config.options)
        .await?;
    Ok(created.id)
}

impl Files<'_> {
    /// Waits until the file is no longer `in_progress`: see
    /// [`polling`](crate::polling).
    pub fn poll(&self, vector_store_id: &str, file_id: &str) -> Polling<VectorStoreFile> {
        let client = self.client.clone();
        let (store, file) = (vector_store_id.to_owned(), file_id.to_owned());
        Polling::new(move |config: PollConfig| {
            Box::pin(async move { poll_file(&client, &config, &store, &file).await })
        })
    }

    /// Adds a file to the vector store, then [`poll`](Self::poll)s it.
    pub fn create_and_poll(
        &self,
        vector_store_id: &str,
        params: VectorStoreFileCreateParams,
    ) -> Polling<VectorStoreFile> {
        let client = self.client.clone();
        let store = vector_store_id.to_owned();
        let create = self.create(vector_store_id, params);
        Polling::new(move |config: PollConfig| {
            Box::pin(async move {
                let file = create.options(&config.options).await?;
                poll_file(&client, &config, &store, &file.id).await
            })
        })
    }

    /// Uploads `file` (`purpose: "assistants"`) and adds it to the vector
    /// store, without waiting for it to be processed.
    #[cfg(feature = "files")]
    #[cfg_attr(docsrs, doc(cfg(feature = "files")))]
    pub async fn upload(
        &self,
        vector_store_id: &str,
        file: impl Into<FileUpload>,
    ) -> Result<VectorStoreFile, Error> {
        let config = PollConfig::default();
        let file_id = upload_file(self.client, &config, file.into()).await?;
        self.create(vector_store_id, VectorStoreFileCreateParams::new(file_id))
            .await
    }

    /// Uploads `file` (`purpose: "assistants"`), adds it to the vector
    /// store, then [`poll`](Self::poll)s it.
    #[cfg(feature = "files")]
    #[cfg_attr(docsrs, doc(cfg(feature = "files")))]
    pub fn upload_and_poll(
        &self,
        vector_store_id: &str,
        file: impl Into<FileUpload>,
    ) -> Polling<VectorStoreFile> {
        let client = self.client.clone();
        let store = vector_store_id.to_owned();
        let file = file.into();
        Polling::new(move |config: PollConfig| {
            Box::pin(async move {
                let file_id = upload_file(&client, &config, file).await?;
                let created = client
                    .vector_stores()
                    .files()
                    .create(&store, VectorStoreFileCreateParams::new(file_id))
                    .options(&config.options)
                    .await?;
                poll_file(&client, &config, &store, &created.id).await
            })
        })
    }
}

impl FileBatches<'_> {
    /// Waits until no file of the batch is in progress
    /// (`file_counts.in_progress == 0`; the batch's status is not read, as
    /// in Python): see [`polling`](crate::polling).
    pub fn poll(&self, vector_store_id: &str, batch_id: &str) -> Polling<VectorStoreFileBatch> {
        let client = self.client.clone();
        let (store, batch) = (vector_store_id.to_owned(), batch_id.to_owned());
        Polling::new(move |config: PollConfig| {
            Box::pin(async move { poll_batch(&client, &config, &store, &batch).await })
        })
    }

    /// Creates a file batch, then [`poll`](Self::poll)s it.
    pub fn create_and_poll(
        &self,
        vector_store_id: &str,
        params: FileBatchCreateParams,
    ) -> Polling<VectorStoreFileBatch> {
        let client = self.client.clone();
        let store = vector_store_id.to_owned();
        let create = self.create(vector_store_id, params);
        Polling::new(move |config: PollConfig| {
            Box::pin(async move {
                let batch = create.options(&config.options).await?;
                poll_batch(&client, &config, &store, &batch.id).await
            })
        })
    }

    /// Uploads `files` (`purpose: "assistants"`, at most
    /// [`max_concurrency`](Polling::max_concurrency) at once, default
    /// [`DEFAULT_UPLOAD_CONCURRENCY`]), creates a batch of them, then
    /// [`poll`](Self::poll)s it.
    ///
    /// The first failed upload fails the call at once: the uploads under way
    /// are cancelled and no batch is created (the files already uploaded stay
    /// in the account).
    #[cfg(feature = "files")]
    #[cfg_attr(docsrs, doc(cfg(feature = "files")))]
    pub fn upload_and_poll<I>(
        &self,
        vector_store_id: &str,
        files: I,
    ) -> Polling<VectorStoreFileBatch>
    where
        I: IntoIterator,
        I::Item: Into<FileUpload>,
    {
        self.upload_and_poll_with(vector_store_id, files, FileBatchCreateParams::new())
    }

    /// As [`upload_and_poll`](Self::upload_and_poll), with the batch's
    /// other params: its `file_ids` come first, then the uploaded files, in
    /// the order they finished uploading.
    #[cfg(feature = "files")]
    #[cfg_attr(docsrs, doc(cfg(feature = "files")))]
    pub fn upload_and_poll_with<I>(
        &self,
        vector_store_id: &str,
        files: I,
        mut params: FileBatchCreateParams,
    ) -> Polling<VectorStoreFileBatch>
    where
        I: IntoIterator,
        I::Item: Into<FileUpload>,
    {
        let client = self.client.clone();
        let store = vector_store_id.to_owned();
        let files: Vec<FileUpload> = files.into_iter().map(Into::into).collect();
        Polling::new(move |config: PollConfig| {
            Box::pin(async move {
                let concurrency = config
                    .max_concurrency
                    .unwrap_or(DEFAULT_UPLOAD_CONCURRENCY)
                    .max(1);
                let mut uploads = futures_util::stream::iter(files)
                    .map(|file| upload_file(&client, &config, file))
                    .buffer_unordered(concurrency);
                let mut ids = std::mem::take(&mut params.file_ids)
                    .into_option()
                    .unwrap_or_default();
                // The first failure returns, which cancels the uploads under way.
                while let Some(id) = uploads.next().await {
                    ids.push(id?);
                }
                drop(uploads);
                params.file_ids = openai_types::Nullable::Value(ids);
                let batch = client
                    .vector_stores()
                    .file_batches()
                    .create(&store, params)
                    .options(&config.options)
                    .await?;
                poll_batch(&client, &config, &store, &batch.id).await
            })
        })
    }
}
