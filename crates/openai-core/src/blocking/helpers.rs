//! The helpers on the blocking client: stream accumulators as iterators,
//! structured outputs, polling and uploads, each the async helper run on
//! the client's runtime thread.

#![allow(
    deprecated,
    reason = "the Assistants helpers wrap deprecated resources"
)]

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use super::Client;
use super::runtime::Runtime;
use crate::client::{HasOptions, RequestOptions, per_call_setters};
use crate::error::Error;
use crate::polling::Polling;

/// A helper's call on the blocking client (polling, uploads, structured
/// outputs): per-call options, [`configure`](Self::configure) for the
/// helper's own settings, then [`send`](Self::send).
#[must_use = "calls do nothing until sent"]
pub struct Call<R> {
    inner: R,
    runtime: Arc<Runtime>,
}

impl<R> Call<R> {
    /// The async helper call `inner`, run on `client`'s runtime.
    pub fn new(client: &Client, inner: R) -> Self {
        Self {
            inner,
            runtime: Arc::clone(client.runtime()),
        }
    }

    /// Changes the async call before it is sent (a helper's own settings:
    /// `.configure(|c| c.part_size(8 << 20))`).
    pub fn configure(mut self, f: impl FnOnce(R) -> R) -> Self {
        self.inner = f(self.inner);
        self
    }
}

impl<R: HasOptions> HasOptions for Call<R> {
    fn options_mut(&mut self) -> &mut RequestOptions {
        self.inner.options_mut()
    }
}

impl<R: HasOptions> Call<R> {
    per_call_setters!();
}

impl<R, T> Call<R>
where
    R: IntoFuture<Output = Result<T, Error>>,
    R::IntoFuture: Send + 'static,
    T: Send + 'static,
{
    /// Runs the call and waits for its result.
    ///
    /// # Errors
    ///
    /// Any error of the async helper; [`Error::InvalidRequest`] inside an
    /// async runtime.
    pub fn send(self) -> Result<T, Error> {
        self.runtime.run(self.inner.into_future())?
    }
}

impl<T> Call<Polling<T>> {
    /// Waits `interval` between retrieves (see [`Polling::poll_interval`]).
    pub fn poll_interval(self, interval: Duration) -> Self {
        self.configure(|p| p.poll_interval(interval))
    }

    /// How many files an upload helper sends at once.
    pub fn max_concurrency(self, uploads: usize) -> Self {
        self.configure(|p| p.max_concurrency(uploads))
    }
}

impl<R> fmt::Debug for Call<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Call")
            .field("call", &std::any::type_name::<R>())
            .finish_non_exhaustive()
    }
}

/// A stream helper's call on the blocking client: [`send`](Self::send)
/// returns the helper as an iterator ([`Blocked`]).
#[must_use = "calls do nothing until sent"]
pub struct StreamCall<R> {
    inner: R,
    runtime: Arc<Runtime>,
}

impl<R> StreamCall<R> {
    /// The async stream helper call `inner`, run on `client`'s runtime.
    pub fn new(client: &Client, inner: R) -> Self {
        Self {
            inner,
            runtime: Arc::clone(client.runtime()),
        }
    }

    /// Changes the async call before it is sent
    /// (`.configure(|c| c.resume_on_disconnect(true))`).
    pub fn configure(mut self, f: impl FnOnce(R) -> R) -> Self {
        self.inner = f(self.inner);
        self
    }
}

impl<R: HasOptions> HasOptions for StreamCall<R> {
    fn options_mut(&mut self) -> &mut RequestOptions {
        self.inner.options_mut()
    }
}

impl<R: HasOptions> StreamCall<R> {
    per_call_setters!();
}

impl<R, S> StreamCall<R>
where
    R: IntoFuture<Output = Result<S, Error>>,
    R::IntoFuture: Send + 'static,
    S: Send + 'static,
{
    /// Sends the request; returns once the response head arrived.
    ///
    /// # Errors
    ///
    /// As [`Call::send`].
    pub fn send(self) -> Result<Blocked<S>, Error> {
        let stream = self.runtime.run(self.inner.into_future())??;
        Ok(Blocked::new(stream, self.runtime))
    }
}

impl<R> fmt::Debug for StreamCall<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::StreamCall")
            .field("call", &std::any::type_name::<R>())
            .finish_non_exhaustive()
    }
}

/// An async stream read as an iterator (a plain stream, `auto_paging()`, a
/// stream helper); a stream helper's snapshots stay readable
/// through [`get_ref`](Self::get_ref), and its final result through the
/// `final_*` methods.
pub struct Blocked<S> {
    stream: Option<S>,
    runtime: Arc<Runtime>,
    ended: bool,
}

impl<S> Blocked<S> {
    pub(crate) fn new(stream: S, runtime: Arc<Runtime>) -> Self {
        Self {
            stream: Some(stream),
            runtime,
            ended: false,
        }
    }

    /// The async stream (its snapshots: `current_completion_snapshot()`,
    /// `current_run()`, ...).
    pub fn get_ref(&self) -> Option<&S> {
        self.stream.as_ref()
    }

    /// The async stream itself.
    pub fn into_inner(self) -> Option<S> {
        self.stream
    }

    /// Runs `f` on the stream, on the runtime thread (what the `final_*`
    /// methods do).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] inside an async runtime, or when the
    /// stream was lost to an earlier failure of the runtime.
    pub fn finish<F, Fut, T>(mut self, f: F) -> Result<T, Error>
    where
        F: FnOnce(S) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        let stream = self.stream.take().ok_or_else(lost)?;
        self.runtime.run(f(stream))?
    }
}

fn lost() -> Error {
    Error::InvalidRequest(crate::error::InvalidRequestError::new(
        "the stream was lost when the blocking client's runtime stopped",
    ))
}

impl<S, T> Iterator for Blocked<S>
where
    S: futures_core::Stream<Item = Result<T, Error>> + Unpin + Send + 'static,
    T: Send + 'static,
{
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended {
            return None;
        }
        let mut stream = self.stream.take()?;
        let polled = self.runtime.run(async move {
            let item = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
            (stream, item)
        });
        match polled {
            Ok((stream, item)) => {
                self.stream = Some(stream);
                self.ended = item.is_none();
                item
            }
            // Inside an async runtime (the stream is lost with the call
            // that was refused) or the runtime stopped: say so once.
            Err(e) => {
                self.ended = true;
                Some(Err(e))
            }
        }
    }
}

impl<S> fmt::Debug for Blocked<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Blocked")
            .field("stream", &std::any::type_name::<S>())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "chat")]
impl Blocked<crate::ChatCompletionStream> {
    /// Reads the rest and returns the accumulated completion (see the
    /// async `final_completion`).
    ///
    /// # Errors
    ///
    /// As the async `final_completion`.
    pub fn final_completion(self) -> Result<openai_types::chat::ChatCompletion, Error> {
        self.finish(|mut stream| async move { stream.final_completion().await })
    }

    /// Reads the rest and returns the completion read into `T` (see the
    /// async `final_parsed`).
    ///
    /// # Errors
    ///
    /// As the async `final_parsed`.
    #[cfg(feature = "structured-outputs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "structured-outputs")))]
    pub fn final_parsed<T>(self) -> Result<crate::helpers::ParsedChatCompletion<T>, Error>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
    {
        self.finish(|mut stream| async move { stream.final_parsed::<T>().await })
    }
}

#[cfg(feature = "responses")]
impl Blocked<crate::ResponseStream> {
    /// Reads the rest and returns the final response (see the async
    /// `final_response`).
    ///
    /// # Errors
    ///
    /// As the async `final_response`.
    pub fn final_response(self) -> Result<openai_types::responses::Response, Error> {
        self.finish(|mut stream| async move { stream.final_response().await })
    }
}

#[cfg(feature = "threads")]
impl<H: crate::AssistantEventHandler + Unpin + 'static> Blocked<crate::AssistantStream<H>> {
    /// Reads the rest and returns the last run (see the async `final_run`).
    ///
    /// # Errors
    ///
    /// As the async `final_run`.
    pub fn final_run(self) -> Result<openai_types::beta::threads::Run, Error> {
        self.finish(|mut stream| async move { stream.final_run().await })
    }

    /// Reads the rest and returns the messages (see the async
    /// `final_messages`).
    ///
    /// # Errors
    ///
    /// As the async `final_messages`.
    pub fn final_messages(self) -> Result<Vec<openai_types::beta::threads::Message>, Error> {
        self.finish(|mut stream| async move { stream.final_messages().await })
    }
}
