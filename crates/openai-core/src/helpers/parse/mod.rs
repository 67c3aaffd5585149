//! Structured outputs (reference/helpers.md b): `chat().completions().parse::<T>()`
//! and `responses().parse::<T>()`, answers read into the caller's type.

#[cfg(feature = "chat")]
mod chat;
#[cfg(feature = "responses")]
mod responses;

use std::collections::BTreeSet;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project::pin_project;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[cfg(feature = "chat")]
pub use chat::{
    ParsedChatCompletion, ParsedChatCompletionMessage, ParsedChoice, ParsedFunction,
    ParsedFunctionToolCall,
};
#[cfg(feature = "responses")]
pub use responses::{ParsedResponse, ParsedResponseFunctionCall};

use crate::client::{HasOptions, RequestOptions, per_call_setters};
use crate::error::{DecodeError, Error};
use crate::request::{Request, ResponseFuture};

mod sealed {
    /// Keeps [`ParseAnswer`](super::ParseAnswer) to this crate's answers.
    #[allow(unreachable_pub, reason = "the sealed-trait pattern")]
    pub trait Sealed {}
}

/// An answer that `parse::<T>()` reads into its parsed form: a
/// [`ChatCompletion`](openai_types::chat::ChatCompletion) into a
/// `ParsedChatCompletion<T>`, a
/// [`Response`](openai_types::responses::Response) into a
/// `ParsedResponse<T>`. Sealed.
pub trait ParseAnswer<T>: sealed::Sealed + Sized {
    /// What the call returns.
    type Output;

    /// The post-processing of `parse`; `strict_tools` names the request's
    /// strict function tools.
    #[doc(hidden)]
    fn finish(self, strict_tools: &BTreeSet<String>) -> Result<Self::Output, Error>;
}

/// A structured-output call, sent when awaited: what
/// `chat().completions().parse::<T>()` and `responses().parse::<T>()`
/// return.
///
/// Takes the per-call options of [`Request`].
#[must_use = "requests do nothing unless awaited"]
pub struct ParseRequest<R, T>
where
    R: ParseAnswer<T>,
{
    request: Request<R>,
    strict_tools: BTreeSet<String>,
    _type: PhantomData<fn() -> T>,
}

impl<R: ParseAnswer<T>, T> ParseRequest<R, T> {
    pub(crate) fn new(request: Request<R>, strict_tools: BTreeSet<String>) -> Self {
        Self {
            request,
            strict_tools,
            _type: PhantomData,
        }
    }
}

impl<R: ParseAnswer<T>, T> HasOptions for ParseRequest<R, T> {
    fn options_mut(&mut self) -> &mut RequestOptions {
        self.request.options_mut()
    }
}

impl<R: ParseAnswer<T>, T> ParseRequest<R, T> {
    per_call_setters!();

    /// Applies a whole set of options.
    pub fn options(mut self, options: &RequestOptions) -> Self {
        self.request = self.request.options(options);
        self
    }
}

impl<R: ParseAnswer<T>, T> fmt::Debug for ParseRequest<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseRequest")
            .field("request", &self.request)
            .field("type", &std::any::type_name::<T>())
            .finish_non_exhaustive()
    }
}

impl<R: ParseAnswer<T> + Send + 'static, T> IntoFuture for ParseRequest<R, T> {
    type Output = Result<R::Output, Error>;
    type IntoFuture = ParseFuture<R, T>;

    fn into_future(self) -> ParseFuture<R, T> {
        ParseFuture {
            inner: self.request.into_future(),
            strict_tools: self.strict_tools,
            _type: PhantomData,
        }
    }
}

/// The future of an awaited [`ParseRequest`].
#[pin_project]
#[must_use = "futures do nothing unless polled"]
pub struct ParseFuture<R: ParseAnswer<T>, T> {
    #[pin]
    inner: ResponseFuture<R>,
    strict_tools: BTreeSet<String>,
    _type: PhantomData<fn() -> T>,
}

impl<R: ParseAnswer<T> + Send + 'static, T> Future for ParseFuture<R, T> {
    type Output = Result<R::Output, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answer = ready!(this.inner.poll(cx))?;
        Poll::Ready(answer.finish(this.strict_tools))
    }
}

impl<R: ParseAnswer<T>, T> fmt::Debug for ParseFuture<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseFuture").finish_non_exhaustive()
    }
}

/// Reads `text` as a `T`, or a decode error naming the type.
fn parse_content<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| {
        Error::Decode(DecodeError::new(
            format!(
                "the model's answer does not read as `{}`",
                std::any::type_name::<T>()
            ),
            Some(e),
        ))
    })
}

/// Reads the arguments of a strict tool call as JSON.
fn parse_arguments(name: &str, arguments: &str) -> Result<Value, Error> {
    serde_json::from_str(arguments).map_err(|e| {
        Error::Decode(DecodeError::new(
            format!("the arguments of the tool call `{name}` are not JSON"),
            Some(e),
        ))
    })
}

/// Reads already-parsed arguments as an `A`.
fn arguments_as<A: DeserializeOwned>(name: &str, parsed: Option<&Value>) -> Result<A, Error> {
    let Some(value) = parsed else {
        return Err(Error::Decode(DecodeError::new(
            format!(
                "the tool call `{name}` has no parsed arguments (its tool is not strict, or not in the request)"
            ),
            None,
        )));
    };
    A::deserialize(value).map_err(|e| {
        Error::Decode(DecodeError::new(
            format!(
                "the arguments of the tool call `{name}` do not read as `{}`",
                std::any::type_name::<A>()
            ),
            Some(e),
        ))
    })
}
