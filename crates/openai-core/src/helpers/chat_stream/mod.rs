//! `client.chat().completions().stream(params)`: the chat stream helper
//! (reference/streaming.md b).

mod events;
mod merge;
mod state;

use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream as _;
use http::HeaderValue;
use openai_types::chat::{
    ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionCreateParamsTool,
};
use pin_project::pin_project;
use serde_json::Value;

pub use events::{
    ChatCompletionStreamEvent, ChunkEvent, ContentDeltaEvent, ContentDoneEvent,
    FunctionToolCallArgumentsDeltaEvent, FunctionToolCallArgumentsDoneEvent,
    LogprobsContentDeltaEvent, LogprobsContentDoneEvent, LogprobsRefusalDeltaEvent,
    LogprobsRefusalDoneEvent, RefusalDeltaEvent, RefusalDoneEvent,
};
pub use state::ChatCompletionStreamState;
#[cfg(feature = "structured-outputs")]
pub(crate) use state::finish_kind;

use crate::client::{HasOptions, RequestOptions, per_call_setters};
use crate::error::Error;
use crate::request::{Request, ResponseFuture};
use crate::resources::chat::completions::Completions;
use crate::sse::Stream;
use openai_transport::headers::X_STAINLESS_HELPER_METHOD;

/// reference/streaming.md b.1.
const HELPER_METHOD: &str = "chat.completions.stream";

impl Completions<'_> {
    /// Streams a chat completion with typed events and accumulation (Python's
    /// `client.chat.completions.stream`).
    ///
    /// Sends `POST /chat/completions` with `stream: true` and
    /// `X-Stainless-Helper-Method: chat.completions.stream`. Awaiting returns
    /// once the response head arrived; then poll the
    /// [`ChatCompletionStream`] for [`ChatCompletionStreamEvent`]s, and call
    /// [`final_completion`](ChatCompletionStream::final_completion) for the
    /// accumulated [`ChatCompletion`]. Per-call options work as on any call.
    ///
    /// # Errors
    ///
    /// When awaited: any error of the call.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use futures_util::StreamExt as _;
    /// use openai_core::ChatCompletionStreamEvent;
    /// use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
    ///
    /// # async fn run(client: openai_core::Client) -> Result<(), openai_core::Error> {
    /// let params = ChatCompletionCreateParams::new("gpt-4o", [ChatMessage::user("Hi")]);
    /// let mut stream = client.chat().completions().stream(params).await?;
    /// while let Some(event) = stream.next().await {
    ///     if let ChatCompletionStreamEvent::ContentDelta(delta) = event? {
    ///         print!("{}", delta.delta);
    ///     }
    /// }
    /// let completion = stream.final_completion().await?;
    /// println!("\n{:?}", completion.usage);
    /// # Ok(()) }
    /// # let _ = run;
    /// ```
    pub fn stream(&self, params: ChatCompletionCreateParams) -> ChatCompletionStreamRequest {
        let parseable = has_parseable_tools(&params);
        let strict_tools = strict_function_names(&params);
        let request = self.create_stream(params).header(
            X_STAINLESS_HELPER_METHOD,
            HeaderValue::from_static(HELPER_METHOD),
        );
        ChatCompletionStreamRequest {
            request,
            parseable,
            strict_tools,
        }
    }
}

/// A chat stream call, sent when awaited: what
/// [`Completions::stream`] returns.
///
/// Takes the per-call options of [`Request`].
#[must_use = "requests do nothing unless awaited"]
#[derive(Debug)]
pub struct ChatCompletionStreamRequest {
    request: Request<Stream<ChatCompletionChunk>>,
    parseable: bool,
    strict_tools: BTreeSet<String>,
}

impl HasOptions for ChatCompletionStreamRequest {
    fn options_mut(&mut self) -> &mut RequestOptions {
        self.request.options_mut()
    }
}

impl ChatCompletionStreamRequest {
    per_call_setters!();

    /// Applies a whole set of options.
    pub fn options(mut self, options: &RequestOptions) -> Self {
        self.request = self.request.options(options);
        self
    }
}

impl IntoFuture for ChatCompletionStreamRequest {
    type Output = Result<ChatCompletionStream, Error>;
    type IntoFuture = ChatCompletionStreamFuture;

    fn into_future(self) -> ChatCompletionStreamFuture {
        ChatCompletionStreamFuture {
            inner: self.request.into_future(),
            parseable: self.parseable,
            strict_tools: Some(self.strict_tools),
        }
    }
}

/// The future of an awaited [`ChatCompletionStreamRequest`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct ChatCompletionStreamFuture {
    #[pin]
    inner: ResponseFuture<Stream<ChatCompletionChunk>>,
    parseable: bool,
    strict_tools: Option<BTreeSet<String>>,
}

impl Future for ChatCompletionStreamFuture {
    type Output = Result<ChatCompletionStream, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let stream = ready!(this.inner.poll(cx))?;
        let mut stream = ChatCompletionStream::new(stream, *this.parseable);
        stream.strict_tools = this.strict_tools.take().unwrap_or_default();
        Poll::Ready(Ok(stream))
    }
}

impl fmt::Debug for ChatCompletionStreamFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatCompletionStreamFuture")
            .finish_non_exhaustive()
    }
}

/// The events of a streamed chat completion, and the completion they add
/// up to (Python's `ChatCompletionStream`).
///
/// A `futures::Stream` of [`ChatCompletionStreamEvent`]s in the order of
/// reference/streaming.md b.2. The completion is accumulated as chunks
/// arrive ([`current_completion_snapshot`](Self::current_completion_snapshot));
/// nothing else is kept, so memory stays flat but for the accumulated text.
/// The stream rules of [`Stream`] apply (idle timeout, `error` events,
/// `[DONE]`); after an error the stream ends. Dropping it closes the
/// connection.
///
/// # Cancel safety
///
/// Dropping a pending `next()` loses nothing: a chunk's events are queued
/// in the stream and returned one by one.
pub struct ChatCompletionStream {
    inner: Stream<ChatCompletionChunk>,
    state: ChatCompletionStreamState,
    queue: VecDeque<ChatCompletionStreamEvent>,
    ended: bool,
    /// The request's strict function tools, for `final_parsed`.
    #[cfg_attr(
        not(feature = "structured-outputs"),
        allow(dead_code, reason = "read by `final_parsed`")
    )]
    strict_tools: BTreeSet<String>,
}

impl ChatCompletionStream {
    /// The helper over a stream of chunks (from
    /// [`create_stream`](Completions::create_stream)). With `parseable`, a
    /// choice finishing with `length` or `content_filter` fails the stream,
    /// as for a request with a `strict` function tool.
    pub fn new(inner: Stream<ChatCompletionChunk>, parseable: bool) -> Self {
        let mut state = ChatCompletionStreamState::new().parseable(parseable);
        state.set_request_id(inner.request_id());
        Self {
            inner,
            state,
            queue: VecDeque::new(),
            ended: false,
            strict_tools: BTreeSet::new(),
        }
    }

    /// The server's request id (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id()
    }

    /// The completion accumulated so far, this chunk included; `None`
    /// before the first chunk. Unfinished choices have an empty
    /// `finish_reason`.
    pub fn current_completion_snapshot(&self) -> Option<&ChatCompletion> {
        self.state.current_completion_snapshot()
    }

    /// Reads the rest of the stream, discarding its events (Python's
    /// `until_done`).
    ///
    /// # Errors
    ///
    /// The first error of the stream.
    pub async fn until_done(&mut self) -> Result<(), Error> {
        while let Some(event) =
            std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next_event(cx)).await
        {
            event?;
        }
        Ok(())
    }

    /// Reads the rest of the stream and returns the accumulated completion
    /// (Python's `get_final_completion`, reference/streaming.md b.4).
    /// Custom tool calls are left out; a tool-call list left empty becomes
    /// `null`. The completion's `request_id()` is the call's.
    ///
    /// # Errors
    ///
    /// The first error of the stream;
    /// [`Error::FinishReason`] when a choice finished with `length` or
    /// `content_filter` (even without parseable input, as in Python);
    /// [`Error::Stream`] ([`EndedEarly`](crate::error::StreamErrorKind::EndedEarly))
    /// when no chunk arrived.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: events not read yet stay in the stream.
    pub async fn final_completion(&mut self) -> Result<ChatCompletion, Error> {
        self.until_done().await?;
        self.state.final_completion()
    }

    /// Reads the rest of the stream and returns the completion read into
    /// `T` (the `parsed` of Python's `get_final_completion` when the request
    /// had `response_format=T`): the post-processing of
    /// [`parse`](Completions::parse), with the request's strict function
    /// tools. Give the request `T`'s format with
    /// [`ResponseFormatJsonSchema::for_type`](openai_types::ResponseFormatJsonSchema::for_type).
    ///
    /// # Errors
    ///
    /// As [`final_completion`](Self::final_completion); [`Error::Decode`]
    /// when a content does not read as `T` or strict arguments are not JSON.
    #[cfg(feature = "structured-outputs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "structured-outputs")))]
    pub async fn final_parsed<T: serde::de::DeserializeOwned>(
        &mut self,
    ) -> Result<crate::helpers::ParsedChatCompletion<T>, Error> {
        let completion = self.final_completion().await?;
        crate::helpers::ParsedChatCompletion::from_completion(completion, &self.strict_tools)
    }

    /// Reads the rest of the stream and returns the first choice's content
    /// (`None` when it has none: a refusal, tool calls only).
    ///
    /// # Errors
    ///
    /// As [`final_completion`](Self::final_completion).
    pub async fn final_content(&mut self) -> Result<Option<String>, Error> {
        let completion = self.final_completion().await?;
        Ok(completion
            .choices
            .into_iter()
            .next()
            .and_then(|c| c.message.content.into_option()))
    }

    fn poll_next_event(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<ChatCompletionStreamEvent, Error>>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Poll::Ready(Some(Ok(event)));
            }
            if self.ended {
                return Poll::Ready(None);
            }
            let chunk = match ready!(Pin::new(&mut self.inner).poll_next(cx)) {
                Some(Ok(chunk)) => chunk,
                Some(Err(e)) => {
                    self.ended = true;
                    return Poll::Ready(Some(Err(e)));
                }
                None => {
                    self.ended = true;
                    return Poll::Ready(None);
                }
            };
            if let Err(e) = self.state.push_chunk(chunk, &mut self.queue) {
                self.ended = true;
                return Poll::Ready(Some(Err(e)));
            }
        }
    }
}

impl futures_core::Stream for ChatCompletionStream {
    type Item = Result<ChatCompletionStreamEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_next_event(cx)
    }
}

impl fmt::Debug for ChatCompletionStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatCompletionStream")
            .field("request_id", &self.request_id())
            .field("queued", &self.queue.len())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

/// The names of the request's function tools with `strict: true`.
pub(crate) fn strict_function_names(params: &ChatCompletionCreateParams) -> BTreeSet<String> {
    params
        .tools
        .as_ref()
        .into_iter()
        .flatten()
        .filter_map(|tool| match tool {
            ChatCompletionCreateParamsTool::Function(tool)
                if tool.function.strict.as_ref() == Some(&true) =>
            {
                Some(tool.function.name.clone())
            }
            _ => None,
        })
        .collect()
}

/// Whether the request has parseable input: a function tool with
/// `strict: true` (Python's `has_parseable_input`; a typed
/// `response_format` comes with `parse::<T>()`).
fn has_parseable_tools(params: &ChatCompletionCreateParams) -> bool {
    let Some(tools) = params.tools.as_ref() else {
        return false;
    };
    tools.iter().any(|tool| match tool {
        ChatCompletionCreateParamsTool::Function(tool) => {
            tool.function.strict.as_ref() == Some(&true)
        }
        ChatCompletionCreateParamsTool::Unknown(Value::Object(tool)) => {
            tool.get("type").and_then(Value::as_str) == Some("function")
                && tool
                    .get("function")
                    .and_then(|f| f.get("strict"))
                    .and_then(Value::as_bool)
                    == Some(true)
        }
        _ => false,
    })
}
