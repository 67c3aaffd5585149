//! The Assistants stream helpers (reference/streaming.md (d)):
//! `runs().stream`, `runs().create_and_stream`,
//! `runs().submit_tool_outputs_stream` and `threads().create_and_run_stream`.

#![allow(
    deprecated,
    reason = "the Assistants resources these helpers call are deprecated"
)]

mod handler;
mod state;

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream as _;
use http::HeaderValue;
use openai_transport::headers::{X_STAINLESS_CUSTOM_EVENT_HANDLER, X_STAINLESS_STREAM_HELPER};
use openai_types::beta::threads::{
    AssistantStreamEvent, Message, MessageDeltaObjectDeltaContentItem, Run, RunCreateParams,
    RunStep, RunSubmitToolOutputsParams, ThreadCreateAndRunParams,
};
use pin_project::pin_project;

pub use handler::{AssistantEventHandler, NoEventHandler};
pub use state::AssistantStreamState;

use crate::client::{HasOptions, RequestOptions, per_call_setters};
use crate::error::{Error, StreamError, StreamErrorKind};
use crate::generated::beta::threads::Threads;
use crate::generated::beta::threads::runs::Runs;
use crate::request::{Request, ResponseFuture};
use crate::sse::Stream;

impl Runs<'_> {
    /// Creates a run and streams it with snapshots (Python's
    /// `beta.threads.runs.stream`).
    ///
    /// Sends `POST /threads/{thread_id}/runs` with `stream: true`,
    /// `X-Stainless-Stream-Helper: threads.runs.create_and_stream` and
    /// `X-Stainless-Custom-Event-Handler`. Awaiting returns once the response
    /// head arrived; then read the [`AssistantStream`]. The plain stream,
    /// without snapshots, is [`create_stream`](Self::create_stream).
    ///
    /// # Errors
    ///
    /// When awaited: [`Error::InvalidRequest`] for an empty `thread_id`
    /// (nothing is sent), and any error of the call.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # #![allow(deprecated)]
    /// use futures_util::StreamExt as _;
    /// use openai_core::types::beta::threads::{AssistantStreamEvent, RunCreateParams};
    ///
    /// # async fn run(client: openai_core::Client) -> Result<(), openai_core::Error> {
    /// let params = RunCreateParams::new("asst_abc").instructions("Address the user as Jane Doe.");
    /// let mut run = client.beta().threads().runs().stream("thread_abc", params).await?;
    /// while let Some(event) = run.next().await {
    ///     if let AssistantStreamEvent::ThreadMessageDelta(_) = event? {
    ///         // The message so far, this delta merged in.
    ///         let _ = run.current_message_snapshot();
    ///     }
    /// }
    /// let run = run.final_run().await?;
    /// println!("{:?}", run.status);
    /// # Ok(()) }
    /// # let _ = run;
    /// ```
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn stream(&self, thread_id: &str, params: RunCreateParams) -> AssistantStreamRequest {
        AssistantStreamRequest::new(
            self.create_stream(thread_id, params),
            "threads.runs.create_and_stream",
        )
    }

    /// The same as [`stream`](Self::stream) (Python's deprecated
    /// `beta.threads.runs.create_and_stream`).
    ///
    /// # Errors
    ///
    /// As [`stream`](Self::stream).
    #[deprecated(note = "deprecated in the Python SDK; use `stream`")]
    pub fn create_and_stream(
        &self,
        thread_id: &str,
        params: RunCreateParams,
    ) -> AssistantStreamRequest {
        self.stream(thread_id, params)
    }

    /// Submits tool outputs and streams the run on with snapshots (Python's
    /// `beta.threads.runs.submit_tool_outputs_stream`).
    ///
    /// Sends `POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs`
    /// with `stream: true` and
    /// `X-Stainless-Stream-Helper: threads.runs.submit_tool_outputs_stream`.
    /// The plain stream is
    /// [`submit_tool_outputs_raw_stream`](Self::submit_tool_outputs_raw_stream).
    ///
    /// # Errors
    ///
    /// When awaited: [`Error::InvalidRequest`] for an empty path parameter
    /// (nothing is sent), and any error of the call.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn submit_tool_outputs_stream(
        &self,
        thread_id: &str,
        run_id: &str,
        params: RunSubmitToolOutputsParams,
    ) -> AssistantStreamRequest {
        AssistantStreamRequest::new(
            self.submit_tool_outputs_raw_stream(thread_id, run_id, params),
            "threads.runs.submit_tool_outputs_stream",
        )
    }
}

impl Threads<'_> {
    /// Creates a thread, runs it, and streams the run with snapshots
    /// (Python's `beta.threads.create_and_run_stream`).
    ///
    /// Sends `POST /threads/runs` with `stream: true` and
    /// `X-Stainless-Stream-Helper: threads.create_and_run_stream`. The plain
    /// stream is [`create_and_run_raw_stream`](Self::create_and_run_raw_stream).
    ///
    /// # Errors
    ///
    /// When awaited: any error of the call.
    #[deprecated(note = "deprecated in the Python SDK")]
    pub fn create_and_run_stream(
        &self,
        params: ThreadCreateAndRunParams,
    ) -> AssistantStreamRequest {
        AssistantStreamRequest::new(
            self.create_and_run_raw_stream(params),
            "threads.create_and_run_stream",
        )
    }
}

/// An Assistants stream call, sent when awaited: what
/// [`Runs::stream`], [`Runs::submit_tool_outputs_stream`] and
/// [`Threads::create_and_run_stream`] return.
///
/// Takes the per-call options of [`Request`], and optionally an
/// [`AssistantEventHandler`].
#[must_use = "requests do nothing unless awaited"]
pub struct AssistantStreamRequest<H = NoEventHandler> {
    request: Request<Stream<AssistantStreamEvent>>,
    handler: H,
    custom_handler: bool,
}

impl AssistantStreamRequest {
    fn new(request: Request<Stream<AssistantStreamEvent>>, helper: &'static str) -> Self {
        Self {
            request: request.header(X_STAINLESS_STREAM_HELPER, HeaderValue::from_static(helper)),
            handler: NoEventHandler,
            custom_handler: false,
        }
    }
}

impl<H> HasOptions for AssistantStreamRequest<H> {
    fn options_mut(&mut self) -> &mut RequestOptions {
        self.request.options_mut()
    }
}

impl<H: AssistantEventHandler> AssistantStreamRequest<H> {
    per_call_setters!();

    /// Applies a whole set of options.
    pub fn options(mut self, options: &RequestOptions) -> Self {
        self.request = self.request.options(options);
        self
    }

    /// Calls `handler` as the stream is read (Python's `event_handler=`),
    /// and sends `X-Stainless-Custom-Event-Handler: true`. The stream hands
    /// it back with [`AssistantStream::into_handler`].
    pub fn event_handler<H2: AssistantEventHandler>(
        self,
        handler: H2,
    ) -> AssistantStreamRequest<H2> {
        AssistantStreamRequest {
            request: self.request,
            handler,
            custom_handler: true,
        }
    }
}

impl<H> fmt::Debug for AssistantStreamRequest<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssistantStreamRequest")
            .field("request", &self.request)
            .field("custom_handler", &self.custom_handler)
            .finish_non_exhaustive()
    }
}

impl<H: AssistantEventHandler> IntoFuture for AssistantStreamRequest<H> {
    type Output = Result<AssistantStream<H>, Error>;
    type IntoFuture = AssistantStreamFuture<H>;

    fn into_future(self) -> AssistantStreamFuture<H> {
        let custom = if self.custom_handler { "true" } else { "false" };
        let request = self.request.header(
            X_STAINLESS_CUSTOM_EVENT_HANDLER,
            HeaderValue::from_static(custom),
        );
        AssistantStreamFuture {
            inner: request.into_future(),
            handler: Some(self.handler),
        }
    }
}

/// The future of an awaited [`AssistantStreamRequest`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct AssistantStreamFuture<H = NoEventHandler> {
    #[pin]
    inner: ResponseFuture<Stream<AssistantStreamEvent>>,
    handler: Option<H>,
}

impl<H: AssistantEventHandler> Future for AssistantStreamFuture<H> {
    type Output = Result<AssistantStream<H>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        let Some(mut handler) = this.handler.take() else {
            panic!("`AssistantStreamFuture` polled after completion");
        };
        Poll::Ready(match result {
            Ok(stream) => Ok(AssistantStream::with_handler(stream, handler)),
            Err(e) => {
                // As in Python, the handler hears of a request that failed.
                if matches!(e, Error::Timeout) {
                    handler.on_timeout();
                }
                handler.on_exception(&e);
                handler.on_end();
                Err(e)
            }
        })
    }
}

impl<H> fmt::Debug for AssistantStreamFuture<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssistantStreamFuture")
            .finish_non_exhaustive()
    }
}

/// The events of an Assistants run stream and the run, run steps and
/// messages they add up to (Python's `AssistantEventHandler` /
/// `AssistantStreamManager`).
///
/// A `futures::Stream` of the raw [`AssistantStreamEvent`]s (unknown events
/// kept as `Unknown`). As each event passes, the snapshots are updated
/// ([`current_run`](Self::current_run),
/// [`current_message_snapshot`](Self::current_message_snapshot),
/// [`current_run_step_snapshot`](Self::current_run_step_snapshot)) and the
/// optional [`AssistantEventHandler`] is called. The stream rules of
/// [`Stream`] apply (idle timeout, an `error` event is an
/// [`Error::Api`]); after an error the stream ends. Dropping it closes the
/// connection.
///
/// # Cancel safety
///
/// Dropping a pending `next()` loses nothing: an event is taken into the
/// snapshots and returned in the same poll.
pub struct AssistantStream<H = NoEventHandler> {
    inner: Stream<AssistantStreamEvent>,
    state: AssistantStreamState,
    handler: H,
    ended: bool,
}

impl AssistantStream {
    /// The helper over a plain stream of events (from
    /// [`create_stream`](Runs::create_stream), say), without a handler.
    pub fn new(inner: Stream<AssistantStreamEvent>) -> Self {
        Self::with_handler(inner, NoEventHandler)
    }
}

impl<H: AssistantEventHandler> AssistantStream<H> {
    /// The helper over a plain stream of events, calling `handler`.
    pub fn with_handler(inner: Stream<AssistantStreamEvent>, handler: H) -> Self {
        Self {
            inner,
            state: AssistantStreamState::new(),
            handler,
            ended: false,
        }
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id()
    }

    /// The run as of the last run event.
    pub fn current_run(&self) -> Option<&Run> {
        self.state.current_run()
    }

    /// The run step in progress, its deltas merged; `None` between steps.
    pub fn current_run_step_snapshot(&self) -> Option<&RunStep> {
        self.state.current_run_step_snapshot()
    }

    /// The message last created or streamed, its deltas merged.
    pub fn current_message_snapshot(&self) -> Option<&Message> {
        self.state.current_message_snapshot()
    }

    /// Every snapshot kept so far.
    pub fn state(&self) -> &AssistantStreamState {
        &self.state
    }

    /// The attached handler.
    pub fn handler(&self) -> &H {
        &self.handler
    }

    /// The attached handler, mutably.
    pub fn handler_mut(&mut self) -> &mut H {
        &mut self.handler
    }

    /// The attached handler, with what it gathered; the rest of the stream
    /// is dropped.
    pub fn into_handler(self) -> H {
        self.handler
    }

    /// Reads the rest of the stream, discarding its events (Python's
    /// `until_done`).
    ///
    /// # Errors
    ///
    /// The first error of the stream.
    pub async fn until_done(&mut self) -> Result<(), Error> {
        while let Some(event) = std::future::poll_fn(|cx| self.poll_event(cx)).await {
            event?;
        }
        Ok(())
    }

    /// Reads the rest of the stream and returns the last run (Python's
    /// `get_final_run`): the completed run, or the one that needs action.
    ///
    /// # Errors
    ///
    /// The first error of the stream; [`Error::Stream`]
    /// ([`EndedEarly`](StreamErrorKind::EndedEarly)) when no run event came.
    pub async fn final_run(&mut self) -> Result<Run, Error> {
        self.until_done().await?;
        self.state.current_run().cloned().ok_or_else(ended_early)
    }

    /// Reads the rest of the stream and returns its run steps, in the order
    /// created (Python's `get_final_run_steps`).
    ///
    /// # Errors
    ///
    /// The first error of the stream; [`Error::Stream`]
    /// ([`EndedEarly`](StreamErrorKind::EndedEarly)) when no step came.
    pub async fn final_run_steps(&mut self) -> Result<Vec<RunStep>, Error> {
        self.until_done().await?;
        match self.state.run_steps() {
            [] => Err(ended_early()),
            steps => Ok(steps.to_vec()),
        }
    }

    /// Reads the rest of the stream and returns its messages, in the order
    /// created (Python's `get_final_messages`).
    ///
    /// # Errors
    ///
    /// The first error of the stream; [`Error::Stream`]
    /// ([`EndedEarly`](StreamErrorKind::EndedEarly)) when no message came.
    pub async fn final_messages(&mut self) -> Result<Vec<Message>, Error> {
        self.until_done().await?;
        match self.state.messages() {
            [] => Err(ended_early()),
            messages => Ok(messages.to_vec()),
        }
    }

    /// The text of the message deltas as it arrives (Python's
    /// `text_deltas`): a stream of fragments that reads this stream on,
    /// snapshots and handler included.
    pub fn text_deltas(&mut self) -> TextDeltas<'_, H> {
        TextDeltas {
            stream: self,
            pending: VecDeque::new(),
        }
    }

    fn poll_event(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<AssistantStreamEvent, Error>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        let event = match ready!(Pin::new(&mut self.inner).poll_next(cx)) {
            Some(Ok(event)) => event,
            Some(Err(e)) => return Poll::Ready(Some(Err(self.fail(e)))),
            None => {
                self.ended = true;
                self.handler.on_end();
                return Poll::Ready(None);
            }
        };
        match self.state.handle_event(&event, &mut self.handler) {
            Ok(()) => Poll::Ready(Some(Ok(event))),
            Err(e) => Poll::Ready(Some(Err(self.fail(e)))),
        }
    }

    /// Ends the stream with `e`, telling the handler.
    fn fail(&mut self, e: Error) -> Error {
        self.ended = true;
        if matches!(e, Error::Timeout) {
            self.handler.on_timeout();
        }
        self.handler.on_exception(&e);
        self.handler.on_end();
        e
    }
}

fn ended_early() -> Error {
    Error::Stream(StreamError::new(StreamErrorKind::EndedEarly))
}

impl<H: AssistantEventHandler + Unpin> futures_core::Stream for AssistantStream<H> {
    type Item = Result<AssistantStreamEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_event(cx)
    }
}

impl<H> fmt::Debug for AssistantStream<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssistantStream")
            .field("request_id", &self.inner.request_id())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

/// The text fragments of an [`AssistantStream`]: what
/// [`AssistantStream::text_deltas`] returns.
pub struct TextDeltas<'a, H = NoEventHandler> {
    stream: &'a mut AssistantStream<H>,
    pending: VecDeque<String>,
}

impl<H: AssistantEventHandler> futures_core::Stream for TextDeltas<'_, H> {
    type Item = Result<String, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(text) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(text)));
            }
            match ready!(this.stream.poll_event(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(AssistantStreamEvent::ThreadMessageDelta(event))) => {
                    let parts = event.data.delta.content.into_option().unwrap_or_default();
                    for part in parts {
                        if let MessageDeltaObjectDeltaContentItem::Text(part) = part {
                            if let Some(value) = part
                                .text
                                .into_option()
                                .and_then(|text| text.value.into_option())
                                .filter(|value| !value.is_empty())
                            {
                                this.pending.push_back(value);
                            }
                        }
                    }
                }
                Some(Ok(_)) => {}
            }
        }
    }
}

impl<H> fmt::Debug for TextDeltas<'_, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextDeltas")
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}
