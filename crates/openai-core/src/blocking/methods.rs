//! The helper methods of the blocking resources (hand-written, as the
//! async helpers are): each builds the async helper call and wraps it.

#![allow(
    deprecated,
    reason = "the Assistants helpers wrap deprecated resources"
)]

#[allow(unused_imports, reason = "each group uses some")]
use super::helpers::{Call, StreamCall};
#[allow(unused_imports, reason = "each group uses some")]
use crate::generated::blocking as r;
#[allow(unused_imports, reason = "each group uses some")]
use crate::types;

#[cfg(feature = "chat")]
impl r::chat::completions::Completions<'_> {
    /// The chat stream helper (see the async `stream`): events and the
    /// accumulated completion, as an iterator.
    pub fn stream(
        &self,
        params: types::chat::ChatCompletionCreateParams,
    ) -> StreamCall<crate::helpers::ChatCompletionStreamRequest> {
        StreamCall::new(
            self.client,
            self.client.inner().chat().completions().stream(params),
        )
    }

    /// Structured outputs (see the async `parse`): the answer read into `T`.
    #[cfg(feature = "structured-outputs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "structured-outputs")))]
    pub fn parse<T>(
        &self,
        params: types::chat::ChatCompletionCreateParams,
    ) -> Call<crate::helpers::ParseRequest<types::chat::ChatCompletion, T>>
    where
        T: serde::de::DeserializeOwned + types::schemars::JsonSchema + Send + 'static,
    {
        Call::new(
            self.client,
            self.client.inner().chat().completions().parse::<T>(params),
        )
    }
}

#[cfg(feature = "responses")]
impl r::responses::Responses<'_> {
    /// The Responses stream helper (see the async `stream`).
    pub fn stream(
        &self,
        params: types::responses::ResponseCreateParams,
    ) -> StreamCall<crate::helpers::ResponseStreamRequest> {
        StreamCall::new(self.client, self.client.inner().responses().stream(params))
    }

    /// Streams a response that exists (see the async `stream_existing`).
    pub fn stream_existing(
        &self,
        response_id: &str,
        starting_after: Option<i64>,
    ) -> StreamCall<crate::helpers::ResponseStreamRequest> {
        StreamCall::new(
            self.client,
            self.client
                .inner()
                .responses()
                .stream_existing(response_id, starting_after),
        )
    }

    /// Structured outputs (see the async `parse`).
    #[cfg(feature = "structured-outputs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "structured-outputs")))]
    pub fn parse<T>(
        &self,
        params: types::responses::ResponseCreateParams,
    ) -> Call<crate::helpers::ParseRequest<types::responses::Response, T>>
    where
        T: serde::de::DeserializeOwned + types::schemars::JsonSchema + Send + 'static,
    {
        Call::new(
            self.client,
            self.client.inner().responses().parse::<T>(params),
        )
    }
}

#[cfg(feature = "threads")]
impl r::beta::threads::Threads<'_> {
    /// Creates a thread and run and streams it with snapshots.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn create_and_run_stream(
        &self,
        params: types::beta::threads::ThreadCreateAndRunParams,
    ) -> StreamCall<crate::helpers::AssistantStreamRequest> {
        StreamCall::new(
            self.client,
            self.client
                .inner()
                .beta()
                .threads()
                .create_and_run_stream(params),
        )
    }

    /// Creates a thread and run, then polls the run.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn create_and_run_poll(
        &self,
        params: types::beta::threads::ThreadCreateAndRunParams,
    ) -> Call<crate::polling::Polling<types::beta::threads::Run>> {
        Call::new(
            self.client,
            self.client
                .inner()
                .beta()
                .threads()
                .create_and_run_poll(params),
        )
    }
}

#[cfg(feature = "threads")]
impl r::beta::threads::runs::Runs<'_> {
    /// Creates a run and streams it with snapshots.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn stream(
        &self,
        thread_id: &str,
        params: types::beta::threads::RunCreateParams,
    ) -> StreamCall<crate::helpers::AssistantStreamRequest> {
        StreamCall::new(
            self.client,
            self.client
                .inner()
                .beta()
                .threads()
                .runs()
                .stream(thread_id, params),
        )
    }

    /// Submits tool outputs and streams the run on.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn submit_tool_outputs_stream(
        &self,
        thread_id: &str,
        run_id: &str,
        params: types::beta::threads::RunSubmitToolOutputsParams,
    ) -> StreamCall<crate::helpers::AssistantStreamRequest> {
        StreamCall::new(
            self.client,
            self.client
                .inner()
                .beta()
                .threads()
                .runs()
                .submit_tool_outputs_stream(thread_id, run_id, params),
        )
    }

    /// Polls a run until it needs action or has ended.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn poll(
        &self,
        thread_id: &str,
        run_id: &str,
    ) -> Call<crate::polling::Polling<types::beta::threads::Run>> {
        Call::new(
            self.client,
            self.client
                .inner()
                .beta()
                .threads()
                .runs()
                .poll(thread_id, run_id),
        )
    }

    /// Creates a run, then polls it.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn create_and_poll(
        &self,
        thread_id: &str,
        params: types::beta::threads::RunCreateParams,
    ) -> Call<crate::polling::Polling<types::beta::threads::Run>> {
        Call::new(
            self.client,
            self.client
                .inner()
                .beta()
                .threads()
                .runs()
                .create_and_poll(thread_id, params),
        )
    }

    /// Submits tool outputs, then polls the run.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn submit_tool_outputs_and_poll(
        &self,
        thread_id: &str,
        run_id: &str,
        params: types::beta::threads::RunSubmitToolOutputsParams,
    ) -> Call<crate::polling::Polling<types::beta::threads::Run>> {
        Call::new(
            self.client,
            self.client
                .inner()
                .beta()
                .threads()
                .runs()
                .submit_tool_outputs_and_poll(thread_id, run_id, params),
        )
    }
}

#[cfg(feature = "files")]
impl r::files::Files<'_> {
    /// Polls a file until it is processed.
    pub fn wait_for_processing(
        &self,
        file_id: &str,
    ) -> Call<crate::polling::Polling<types::FileObject>> {
        Call::new(
            self.client,
            self.client.inner().files().wait_for_processing(file_id),
        )
    }
}

#[cfg(feature = "vector-stores")]
impl r::vector_stores::files::Files<'_> {
    /// Polls a vector-store file until it is processed.
    pub fn poll(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Call<crate::polling::Polling<types::VectorStoreFile>> {
        Call::new(
            self.client,
            self.client
                .inner()
                .vector_stores()
                .files()
                .poll(vector_store_id, file_id),
        )
    }

    /// Adds a file to a vector store, then polls it.
    pub fn create_and_poll(
        &self,
        vector_store_id: &str,
        params: types::VectorStoreFileCreateParams,
    ) -> Call<crate::polling::Polling<types::VectorStoreFile>> {
        Call::new(
            self.client,
            self.client
                .inner()
                .vector_stores()
                .files()
                .create_and_poll(vector_store_id, params),
        )
    }

    /// Uploads a file and adds it to a vector store, then polls it.
    pub fn upload_and_poll(
        &self,
        vector_store_id: &str,
        file: impl Into<types::FileUpload>,
    ) -> Call<crate::polling::Polling<types::VectorStoreFile>> {
        Call::new(
            self.client,
            self.client
                .inner()
                .vector_stores()
                .files()
                .upload_and_poll(vector_store_id, file),
        )
    }
}

#[cfg(feature = "vector-stores")]
impl r::vector_stores::file_batches::FileBatches<'_> {
    /// Polls a file batch until no file is in progress.
    pub fn poll(
        &self,
        vector_store_id: &str,
        batch_id: &str,
    ) -> Call<crate::polling::Polling<types::VectorStoreFileBatch>> {
        Call::new(
            self.client,
            self.client
                .inner()
                .vector_stores()
                .file_batches()
                .poll(vector_store_id, batch_id),
        )
    }

    /// Creates a file batch, then polls it.
    pub fn create_and_poll(
        &self,
        vector_store_id: &str,
        params: types::FileBatchCreateParams,
    ) -> Call<crate::polling::Polling<types::VectorStoreFileBatch>> {
        Call::new(
            self.client,
            self.client
                .inner()
                .vector_stores()
                .file_batches()
                .create_and_poll(vector_store_id, params),
        )
    }

    /// Uploads files a few at a time, creates the batch, then polls it.
    pub fn upload_and_poll<I>(
        &self,
        vector_store_id: &str,
        files: I,
    ) -> Call<crate::polling::Polling<types::VectorStoreFileBatch>>
    where
        I: IntoIterator,
        I::Item: Into<types::FileUpload>,
    {
        Call::new(
            self.client,
            self.client
                .inner()
                .vector_stores()
                .file_batches()
                .upload_and_poll(vector_store_id, files),
        )
    }
}

#[cfg(feature = "videos")]
impl r::videos::Videos<'_> {
    /// Polls a video until it is done.
    pub fn poll(&self, video_id: &str) -> Call<crate::polling::Polling<types::videos::Video>> {
        Call::new(self.client, self.client.inner().videos().poll(video_id))
    }

    /// Creates a video, then polls it.
    pub fn create_and_poll(
        &self,
        params: types::videos::CreateVideoMultipartBody,
    ) -> Call<crate::polling::Polling<types::videos::Video>> {
        Call::new(
            self.client,
            self.client.inner().videos().create_and_poll(params),
        )
    }
}

#[cfg(feature = "uploads")]
impl r::uploads::Uploads<'_> {
    /// Uploads a file in parts (see the async `upload_file_chunked`);
    /// `configure(|c| c.part_size(..))` for the part size and concurrency.
    pub fn upload_file_chunked(
        &self,
        file: impl Into<types::FileUpload>,
        mime_type: impl Into<String>,
        purpose: impl Into<types::UploadCreateParamsPurpose>,
    ) -> Call<crate::helpers::ChunkedUpload> {
        Call::new(
            self.client,
            self.client
                .inner()
                .uploads()
                .upload_file_chunked(file, mime_type, purpose),
        )
    }
}
