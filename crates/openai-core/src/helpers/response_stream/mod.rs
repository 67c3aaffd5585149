//! `client.responses().stream(params)` and `stream_existing(id, ..)`: the
//! Responses stream helper (reference/streaming.md c), with an opt-in
//! resumption after a cut connection.

mod state;

use std::collections::BTreeSet;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream as _;
use openai_types::Tool;
use openai_types::responses::{
    Response, ResponseCreateParams, ResponseRetrieveParams, ResponseStreamEvent,
};
use pin_project::pin_project;

pub use state::ResponseStreamState;
use state::{is_terminal, sequence_number};

use crate::Client;
use crate::client::{HasOptions, RequestOptions, per_call_setters};
use crate::error::{Error, StreamError, StreamErrorKind};
use crate::request::{Request, ResponseFuture};
use crate::resources::responses::Responses;
use crate::sse::Stream;

impl Responses<'_> {
    /// Streams a new response with accumulation (Python's
    /// `client.responses.stream(input=.., model=..)`).
    ///
    /// Sends `POST /responses` with `stream: true`. Awaiting returns once
    /// the response head arrived; then poll the [`ResponseStream`] for the
    /// [`ResponseStreamEvent`]s, and call
    /// [`final_response`](ResponseStream::final_response) for the response
    /// of `response.completed`. Per-call options work as on any call;
    /// [`resume_on_disconnect`](ResponseStreamRequest::resume_on_disconnect)
    /// re-opens a cut stream.
    ///
    /// # Errors
    ///
    /// When awaited: any error of the call.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use futures_util::StreamExt as _;
    /// use openai_core::types::responses::{ResponseCreateParams, ResponseStreamEvent};
    ///
    /// # async fn run(client: openai_core::Client, params: ResponseCreateParams) -> Result<(), openai_core::Error> {
    /// let mut stream = client.responses().stream(params).resume_on_disconnect(true).await?;
    /// while let Some(event) = stream.next().await {
    ///     if let ResponseStreamEvent::ResponseOutputTextDelta(delta) = event? {
    ///         print!("{}", delta.delta);
    ///     }
    /// }
    /// let response = stream.final_response().await?;
    /// println!("\n{:?}", response.usage);
    /// # Ok(()) }
    /// # let _ = run;
    /// ```
    pub fn stream(&self, params: ResponseCreateParams) -> ResponseStreamRequest {
        let strict_tools = strict_function_names(&params);
        ResponseStreamRequest {
            strict_tools,
            request: self.create_stream(params),
            client: self.client.clone(),
            response_id: None,
            starting_after: None,
            resume: false,
        }
    }

    /// Streams a response that already exists, from its first event
    /// (Python's `client.responses.stream(response_id=.., starting_after=..)`).
    ///
    /// Sends `GET /responses/{response_id}?stream=true`. As in Python,
    /// `starting_after` is applied here, not by the server: the whole
    /// stream is read (the accumulation needs `response.created`) and the
    /// events whose `sequence_number` is at most `starting_after` are not
    /// returned.
    ///
    /// # Errors
    ///
    /// When awaited: [`Error::InvalidRequest`] for an empty id (nothing is
    /// sent), and any error of the call.
    pub fn stream_existing(
        &self,
        response_id: &str,
        starting_after: Option<i64>,
    ) -> ResponseStreamRequest {
        ResponseStreamRequest {
            strict_tools: BTreeSet::new(),
            request: self.retrieve_stream(response_id, ResponseRetrieveParams::new()),
            client: self.client.clone(),
            response_id: Some(response_id.to_owned()),
            starting_after,
            resume: false,
        }
    }
}

/// The names of the request's function tools with `strict: true` (whose
/// arguments `final_parsed` and `parse` read as JSON).
pub(crate) fn strict_function_names(params: &ResponseCreateParams) -> BTreeSet<String> {
    params
        .tools
        .as_ref()
        .into_iter()
        .flatten()
        .filter_map(|tool| match tool {
            Tool::Function(tool) if tool.strict.as_ref() == Some(&true) => Some(tool.name.clone()),
            _ => None,
        })
        .collect()
}

/// A Responses stream call, sent when awaited: what
/// [`Responses::stream`] and [`Responses::stream_existing`] return.
///
/// Takes the per-call options of [`Request`], and
/// [`resume_on_disconnect`](Self::resume_on_disconnect).
#[must_use = "requests do nothing unless awaited"]
#[derive(Debug)]
pub struct ResponseStreamRequest {
    request: Request<Stream<ResponseStreamEvent>>,
    client: Client,
    response_id: Option<String>,
    starting_after: Option<i64>,
    resume: bool,
    strict_tools: BTreeSet<String>,
}

impl HasOptions for ResponseStreamRequest {
    fn options_mut(&mut self) -> &mut RequestOptions {
        self.request.options_mut()
    }
}

impl ResponseStreamRequest {
    per_call_setters!();

    /// Applies a whole set of options.
    pub fn options(mut self, options: &RequestOptions) -> Self {
        self.request = self.request.options(options);
        self
    }

    /// Whether to re-open the stream when its connection is cut
    /// ([`Error::Connection`] mid-stream) before the response ended.
    /// Default is `false`, as in the Python SDK.
    ///
    /// The stream is re-opened with `GET /responses/{id}?stream=true&starting_after=<n>`,
    /// `n` the last `sequence_number` received, under this call's options;
    /// events the server sends again are skipped, so none is returned
    /// twice. It resumes as often as connections are cut, as long as each
    /// new connection brings at least one new event; the error of a
    /// connection cut before that ends the stream. It needs the response id
    /// (from `response.created`, or the one given to `stream_existing`).
    /// Resuming suits background responses (`background: true`): the API
    /// replays only what it stored.
    pub fn resume_on_disconnect(mut self, resume: bool) -> Self {
        self.resume = resume;
        self
    }
}

impl IntoFuture for ResponseStreamRequest {
    type Output = Result<ResponseStream, Error>;
    type IntoFuture = ResponseStreamFuture;

    fn into_future(mut self) -> ResponseStreamFuture {
        let resume = self.resume.then(|| {
            Box::new(Resume {
                client: self.client.clone(),
                options: self.request.options_mut().clone(),
                response_id: self.response_id.clone(),
            })
        });
        ResponseStreamFuture {
            inner: self.request.into_future(),
            setup: Some(Setup {
                resume,
                starting_after: self.starting_after,
                strict_tools: self.strict_tools,
            }),
        }
    }
}

/// The future of an awaited [`ResponseStreamRequest`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct ResponseStreamFuture {
    #[pin]
    inner: ResponseFuture<Stream<ResponseStreamEvent>>,
    setup: Option<Setup>,
}

struct Setup {
    resume: Option<Box<Resume>>,
    starting_after: Option<i64>,
    strict_tools: BTreeSet<String>,
}

/// What re-opening a stream takes.
struct Resume {
    client: Client,
    options: RequestOptions,
    response_id: Option<String>,
}

impl Future for ResponseStreamFuture {
    type Output = Result<ResponseStream, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let inner = ready!(this.inner.poll(cx))?;
        let setup = this.setup.take().expect("polled after completion");
        Poll::Ready(Ok(ResponseStream {
            inner: Some(inner),
            reopening: None,
            state: ResponseStreamState::new(),
            resume: setup.resume,
            starting_after: setup.starting_after,
            seen_through: None,
            skip_through: None,
            progressed: true,
            finished: false,
            ended: false,
            strict_tools: setup.strict_tools,
        }))
    }
}

impl fmt::Debug for ResponseStreamFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseStreamFuture")
            .finish_non_exhaustive()
    }
}

type Reopening = Pin<Box<ResponseFuture<Stream<ResponseStreamEvent>>>>;

/// The events of a streamed response, and the response they add up to
/// (Python's `ResponseStream`).
///
/// A `futures::Stream` of the raw [`ResponseStreamEvent`]s, unchanged. The
/// response is accumulated as they arrive
/// ([`current_snapshot`](Self::current_snapshot); the text of a part so far
/// with [`current_output_text`](Self::current_output_text)); nothing else is
/// kept, so memory stays flat but for the accumulated response. The stream
/// rules of [`Stream`] apply: an `error` event is an [`Error::Api`], and
/// after an error the stream ends. Dropping it closes the connection.
///
/// # Cancel safety
///
/// Dropping a pending `next()` loses no event: an event is accumulated
/// when it is returned, and a re-opening connection in flight stays in the
/// stream for the next `next()`.
pub struct ResponseStream {
    inner: Option<Stream<ResponseStreamEvent>>,
    reopening: Option<Reopening>,
    state: ResponseStreamState,
    resume: Option<Box<Resume>>,
    /// `stream_existing`'s `starting_after`: accumulated, not returned.
    starting_after: Option<i64>,
    /// The last `sequence_number` accumulated.
    seen_through: Option<i64>,
    /// After a re-open: events up to this number were accumulated already.
    skip_through: Option<i64>,
    /// Whether an event arrived since the last re-open.
    progressed: bool,
    /// Whether the response ended (`response.completed`, `.failed`, ...).
    finished: bool,
    ended: bool,
    /// The request's strict function tools, for `final_parsed`.
    #[cfg_attr(
        not(feature = "structured-outputs"),
        allow(dead_code, reason = "read by `final_parsed`")
    )]
    strict_tools: BTreeSet<String>,
}

impl ResponseStream {
    /// The server's request id (`x-request-id`) of the connection being
    /// read.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.as_ref()?.request_id()
    }

    /// The response accumulated so far; `None` before `response.created`.
    pub fn current_snapshot(&self) -> Option<&Response> {
        self.state.current_snapshot()
    }

    /// The text so far of the `output_text` part at `content_index` of the
    /// message at `output_index` (what a `response.output_text.delta`
    /// event's indexes point to).
    pub fn current_output_text(&self, output_index: i64, content_index: i64) -> Option<&str> {
        self.state.output_text(output_index, content_index)
    }

    /// The arguments so far of the function call at `output_index`.
    pub fn current_function_call_arguments(&self, output_index: i64) -> Option<&str> {
        self.state.function_call_arguments(output_index)
    }

    /// Reads the rest of the stream, discarding its events (Python's
    /// `until_done`).
    ///
    /// # Errors
    ///
    /// The first error of the stream.
    pub async fn until_done(&mut self) -> Result<(), Error> {
        while let Some(event) = std::future::poll_fn(|cx| self.poll_next_event(cx)).await {
            event?;
        }
        Ok(())
    }

    /// Reads the rest of the stream and returns the response of
    /// `response.completed` (Python's `get_final_response`).
    ///
    /// # Errors
    ///
    /// The first error of the stream; [`Error::Stream`]
    /// ([`EndedEarly`](StreamErrorKind::EndedEarly)) when the stream ended
    /// without `response.completed` (after `response.failed` or
    /// `response.incomplete`, say: the snapshot is still readable).
    pub async fn final_response(&mut self) -> Result<Response, Error> {
        self.until_done().await?;
        self.state
            .completed()
            .cloned()
            .ok_or_else(|| Error::Stream(StreamError::new(StreamErrorKind::EndedEarly)))
    }

    /// Reads the rest of the stream and returns the final response read
    /// into `T` (the `output_parsed` of Python's `get_final_response` when
    /// the request had `text_format=T`): the post-processing of
    /// [`parse`](Responses::parse), with the request's strict function
    /// tools. Give the request `T`'s format with
    /// [`TextResponseFormatJsonSchema::for_type`](openai_types::TextResponseFormatJsonSchema::for_type).
    ///
    /// # Errors
    ///
    /// As [`final_response`](Self::final_response); [`Error::Decode`] when
    /// an `output_text` does not read as `T` or strict arguments are not
    /// JSON.
    #[cfg(feature = "structured-outputs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "structured-outputs")))]
    pub async fn final_parsed<T: serde::de::DeserializeOwned>(
        &mut self,
    ) -> Result<crate::helpers::ParsedResponse<T>, Error> {
        let response = self.final_response().await?;
        crate::helpers::ParsedResponse::from_response(response, &self.strict_tools)
    }

    fn poll_next_event(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<ResponseStreamEvent, Error>>> {
        loop {
            if let Some(reopening) = &mut self.reopening {
                let result = ready!(reopening.as_mut().poll(cx));
                self.reopening = None;
                match result {
                    Ok(stream) => self.inner = Some(stream),
                    Err(e) => {
                        self.ended = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
            if self.ended {
                return Poll::Ready(None);
            }
            let Some(inner) = &mut self.inner else {
                self.ended = true;
                return Poll::Ready(None);
            };
            let event = match ready!(Pin::new(inner).poll_next(cx)) {
                Some(Ok(event)) => event,
                Some(Err(e)) => {
                    if e.is_connection() && self.reopen() {
                        continue;
                    }
                    self.ended = true;
                    return Poll::Ready(Some(Err(e)));
                }
                None => {
                    self.ended = true;
                    return Poll::Ready(None);
                }
            };
            let number = sequence_number(&event);
            if let (Some(skip), Some(n)) = (self.skip_through, number) {
                if n <= skip {
                    continue;
                }
            }
            if let Err(e) = self.state.handle_event(&event) {
                self.ended = true;
                return Poll::Ready(Some(Err(e)));
            }
            self.progressed = true;
            self.finished |= is_terminal(&event);
            if let Some(n) = number {
                self.seen_through = Some(self.seen_through.map_or(n, |s| s.max(n)));
            }
            if let (Some(after), Some(n)) = (self.starting_after, number) {
                if n <= after {
                    continue;
                }
            }
            return Poll::Ready(Some(Ok(event)));
        }
    }

    /// Starts re-opening the stream after a cut connection; `false` when it
    /// must not (not asked for, the response ended, no progress since the
    /// last re-open, no id).
    fn reopen(&mut self) -> bool {
        let Some(resume) = &self.resume else {
            return false;
        };
        if self.finished || !self.progressed {
            return false;
        }
        let id = self
            .state
            .current_snapshot()
            .map(|r| r.id.as_str())
            .filter(|id| !id.is_empty())
            .or(resume.response_id.as_deref());
        let Some(id) = id else {
            return false;
        };
        let mut params = ResponseRetrieveParams::new();
        // Without a snapshot the stream is read again from its start, for
        // `response.created`.
        if self.state.current_snapshot().is_some() {
            if let Some(n) = self.seen_through {
                params = params.starting_after(n);
            }
        }
        let request = resume
            .client
            .responses()
            .retrieve_stream(id, params)
            .options(&resume.options);
        self.skip_through = self.seen_through;
        self.progressed = false;
        self.inner = None;
        self.reopening = Some(Box::pin(request.into_future()));
        true
    }
}

impl futures_core::Stream for ResponseStream {
    type Item = Result<ResponseStreamEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_next_event(cx)
    }
}

impl fmt::Debug for ResponseStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseStream")
            .field("request_id", &self.request_id())
            .field("resume", &self.resume.is_some())
            .field("seen_through", &self.seen_through)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}
