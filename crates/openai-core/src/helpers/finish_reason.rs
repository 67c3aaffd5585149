//! [`FinishReasonError`]: a choice the model stopped early, reported by the
//! chat stream helper (reference/helpers.md b.5).

use std::error::Error as StdError;
use std::fmt;

#[cfg(feature = "chat")]
use openai_types::chat::ChatCompletion;

/// The model stopped a choice early, so its content cannot be used as a
/// whole: Python's `LengthFinishReasonError` and
/// `ContentFilterFinishReasonError`.
///
/// The chat stream helper reports it while streaming when the request has
/// parseable input (a `strict` function tool), and from
/// [`final_completion`](crate::ChatCompletionStream::final_completion)
/// always. Plain `create` calls never do.
#[derive(Debug, Clone)]
pub struct FinishReasonError(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    kind: FinishReasonKind,
    #[cfg(feature = "chat")]
    completion: Option<ChatCompletion>,
}

/// Why the model stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FinishReasonKind {
    /// `finish_reason: "length"`: the token limit was reached.
    Length,
    /// `finish_reason: "content_filter"`: the content filter rejected it.
    ContentFilter,
}

impl FinishReasonError {
    /// An error of `kind` carrying the completion as accumulated so far.
    #[cfg(feature = "chat")]
    pub(crate) fn new(kind: FinishReasonKind, completion: ChatCompletion) -> Self {
        Self(Box::new(Inner {
            kind,
            completion: Some(completion),
        }))
    }

    /// Why the model stopped.
    pub fn kind(&self) -> FinishReasonKind {
        self.0.kind
    }

    /// Whether the token limit was reached (Python's `LengthFinishReasonError`).
    pub fn is_length(&self) -> bool {
        self.0.kind == FinishReasonKind::Length
    }

    /// Whether the content filter rejected the answer (Python's
    /// `ContentFilterFinishReasonError`).
    pub fn is_content_filter(&self) -> bool {
        self.0.kind == FinishReasonKind::ContentFilter
    }

    /// The completion as accumulated when the error was raised (while
    /// streaming, usually without `usage`).
    #[cfg(feature = "chat")]
    #[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
    pub fn completion(&self) -> Option<&ChatCompletion> {
        self.0.completion.as_ref()
    }
}

impl fmt::Display for FinishReasonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // reference/client.md 5.1: the messages of the Python SDK, lowercase.
        match self.0.kind {
            FinishReasonKind::Length => {
                f.write_str("could not parse response content as the length limit was reached")?;
                #[cfg(feature = "chat")]
                if let Some(usage) = self.0.completion.as_ref().and_then(|c| c.usage.as_ref()) {
                    write!(
                        f,
                        " (completion_tokens={}, prompt_tokens={}, total_tokens={})",
                        usage.completion_tokens, usage.prompt_tokens, usage.total_tokens
                    )?;
                }
                Ok(())
            }
            FinishReasonKind::ContentFilter => f.write_str(
                "could not parse response content as the request was rejected by the content filter",
            ),
        }
    }
}

impl StdError for FinishReasonError {}
