//! Errors that travel through the stack.
//!
//! Inside the stack every error is a [`BoxError`]; each layer's own failure is
//! a small public type (`timeout::Elapsed`, [`BodyTooLarge`], ...) that the
//! client boundary downcasts into its typed errors.

use std::error::Error as StdError;
use std::fmt;

/// The error type inside the stack.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Wraps an error that another attempt cannot fix, such as a credential
/// provider that failed while preparing the request. The retry layer gives up
/// at once on it.
#[derive(Debug)]
pub struct Permanent(BoxError);

impl Permanent {
    /// Marks `err` as not retryable.
    pub fn new(err: impl Into<BoxError>) -> Self {
        Self(err.into())
    }

    /// The wrapped error.
    pub fn into_inner(self) -> BoxError {
        self.0
    }

    /// The wrapped error, by reference.
    pub fn get_ref(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Display for Permanent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for Permanent {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.0)
    }
}

/// A response body was larger than the limit set with
/// [`Timeout::max_body_size`](crate::timeout::TimeoutLayer::max_body_size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTooLarge {
    pub(crate) limit: usize,
}

impl BodyTooLarge {
    /// The limit, in bytes, that the body went past.
    pub fn limit(&self) -> usize {
        self.limit
    }
}

impl fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "response body larger than {} bytes", self.limit)
    }
}

impl StdError for BodyTooLarge {}

/// Finds the first error of type `T` in `err`'s `source()` chain, `err` included.
pub fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        cur = e.source();
    }
    None
}

/// How a failed attempt is named in logs: `timeout` (the attempt deadline,
/// a stalled stream or the connect timeout) or `connection`. Never the
/// error's text, which may carry a URL.
pub(crate) fn log_kind(err: &BoxError) -> &'static str {
    if find_source::<crate::timeout::Elapsed>(&**err).is_some()
        || find_source::<crate::connect::ConnectTimeout>(&**err).is_some()
    {
        "timeout"
    } else {
        "connection"
    }
}
