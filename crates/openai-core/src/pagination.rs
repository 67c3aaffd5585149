//! List responses, exactly as `reference/pagination.md` describes them.
//!
//! Each list method is bound to one page kind:
//!
//! | kind | cursor for `after` |
//! |---|---|
//! | [`Page`] | none: one page (`models.list`, POST lists) |
//! | [`CursorPage`] | the `id` of the last item |
//! | [`ConversationCursorPage`] | the page's `last_id` |
//! | [`NextCursorPage`] | the page's `next` |
//!
//! A page keeps the call it came from, so [`CursorPage::get_next_page`]
//! repeats it (same path, query, headers and options) with `after` set, and
//! [`Request::auto_paging`] walks every item of every page lazily. Beyond the
//! Python SDK, a server that answers with the cursor it was sent ends the walk
//! with [`Error::Pagination`] instead of looping forever.
//!
//! ```no_run
//! # use openai_core::Client;
//! # #[cfg(feature = "fine-tuning")]
//! # async fn run(client: Client) -> Result<(), openai_core::Error> {
//! use futures_util::TryStreamExt as _;
//! use openai_core::types::fine_tuning::JobListParams;
//!
//! let page = client.fine_tuning().jobs().list(JobListParams::new().limit(20)).await?;
//! if page.has_next_page() {
//!     let second = page.get_next_page().await?;
//!     println!("{}", second.data.len());
//! }
//! let all: Vec<_> = client
//!     .fine_tuning()
//!     .jobs()
//!     .list(JobListParams::new())
//!     .auto_paging()
//!     .try_collect()
//!     .await?;
//! println!("{}", all.len());
//! # Ok(()) }
//! # #[cfg(feature = "fine-tuning")]
//! # let _ = run;
//! ```

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use openai_transport::HttpResponse;
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, PaginationError};
use crate::request::{Decode, Origin, Request, ResponseFuture, decode_json, from_json_bytes};
use openai_types::ResponseMeta;

/// The next page's query: `after=<cursor>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInfo {
    after: String,
}

impl PageInfo {
    /// The cursor sent as `after`.
    pub fn after(&self) -> &str {
        &self.after
    }
}

/// What every page kind offers.
pub trait Paginated: Sized + Send + 'static + sealed::PageState {
    /// The item type.
    type Item: Send + 'static;

    /// The items of this page.
    fn items(&self) -> &[Self::Item];

    /// The items of this page, owned.
    fn into_items(self) -> Vec<Self::Item>;

    /// The query of the next page, or `None` on the last page
    /// (`reference/pagination.md` 2). No I/O.
    fn next_page_info(&self) -> Option<PageInfo>;

    /// Whether there is a next page. No I/O.
    fn has_next_page(&self) -> bool {
        self.next_page_info().is_some()
    }
}

pub(crate) mod sealed {
    use crate::request::{Decode, Origin};

    /// The call a page came from, and how pages of its kind decode. Sealed:
    /// only this crate's page types implement it.
    pub trait PageState {
        /// The call this page came from.
        fn origin(&self) -> Option<&Origin>;
        /// Remembers the call this page came from.
        fn set_origin(&mut self, origin: Origin);
        /// How a page of this kind is read.
        #[doc(hidden)]
        fn decode() -> Decode<Self>
        where
            Self: Sized;
    }
}

/// The call a page came from, kept outside the page's equality and serde.
#[derive(Clone, Default)]
struct Kept(Option<Box<Origin>>);

impl PartialEq for Kept {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Some(..)" } else { "None" })
    }
}

macro_rules! page_type {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident: $fty:ty,)* } decode = $decode:expr;) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(bound(deserialize = "T: Deserialize<'de>", serialize = "T: Serialize"))]
        #[non_exhaustive]
        pub struct $name<T> {
            /// The items of this page (`null` or missing reads as empty).
            #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
            pub data: Vec<T>,
            $($(#[$fdoc])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: $fty,)*
            /// The other fields of the response (`object`, `first_id`, ...).
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
            #[serde(skip)]
            request_id: Option<String>,
            #[serde(skip)]
            kept: Kept,
            // CursorPage only: the `id` of the last item (see `decode_cursor_page`).
            #[serde(skip)]
            last_item_id: Option<String>,
        }

        impl<T> $name<T> {
            /// The server's request id (`x-request-id`).
            pub fn request_id(&self) -> Option<&str> {
                self.request_id.as_deref()
            }
        }

        impl<T: DeserializeOwned + Send + 'static> $name<T> {
            /// Whether there is a next page (`reference/pagination.md` 2). No I/O.
            pub fn has_next_page(&self) -> bool {
                Paginated::has_next_page(self)
            }

            /// The query of the next page, or `None`. No I/O.
            pub fn next_page_info(&self) -> Option<PageInfo> {
                Paginated::next_page_info(self)
            }

            /// Fetches the next page with the original call's query, headers
            /// and options, `after` set to this page's cursor.
            ///
            /// # Errors
            ///
            /// [`Error::Pagination`] when there is no next page (check
            /// [`has_next_page`](Self::has_next_page) first) or the cursor did
            /// not move; any error of the call.
            pub fn get_next_page(&self) -> impl Future<Output = Result<Self, Error>> + Send + 'static
            where
                T: Sync,
            {
                let next = next_request(self);
                async move { next?.await }
            }
        }

        impl<T> ResponseMeta for $name<T> {
            fn set_request_id(&mut self, id: &str) {
                self.request_id = Some(id.to_owned());
            }
        }

        impl<T> IntoIterator for $name<T> {
            type Item = T;
            type IntoIter = std::vec::IntoIter<T>;

            fn into_iter(self) -> Self::IntoIter {
                self.data.into_iter()
            }
        }

        impl<T: DeserializeOwned + Send + 'static> sealed::PageState for $name<T> {
            fn origin(&self) -> Option<&Origin> {
                self.kept.0.as_deref()
            }

            fn set_origin(&mut self, origin: Origin) {
                self.kept = Kept(Some(Box::new(origin)));
            }

            fn decode() -> Decode<Self> {
                $decode
            }
        }
    };
}

page_type! {
    /// A list that fits in one response (Python's `SyncPage`): never a next page.
    Page {} decode = decode_json::<Self>;
}

page_type! {
    /// A list paged by the `id` of its last item (`after=<data[-1].id>`).
    CursorPage {
        /// Whether the server has more; `false` ends the walk.
        has_more: Option<bool>,
    } decode = decode_cursor_page::<T>;
}

page_type! {
    /// A list paged by its `last_id` field.
    ConversationCursorPage {
        /// Whether the server has more; `false` ends the walk.
        has_more: Option<bool>,
        /// The cursor of the next page.
        last_id: Option<String>,
    } decode = decode_json::<Self>;
}

page_type! {
    /// A list paged by its `next` field (sent back as `after`).
    NextCursorPage {
        /// Whether the server has more; `false` ends the walk.
        has_more: Option<bool>,
        /// The cursor of the next page.
        next: Option<String>,
    } decode = decode_json::<Self>;
}

/// Python truthiness of an optional cursor: absent, `null` and `""` are none.
fn cursor(value: Option<&str>) -> Option<PageInfo> {
    value.filter(|s| !s.is_empty()).map(|after| PageInfo {
        after: after.to_owned(),
    })
}

impl<T: DeserializeOwned + Send + 'static> Paginated for Page<T> {
    type Item = T;

    fn items(&self) -> &[T] {
        &self.data
    }

    fn into_items(self) -> Vec<T> {
        self.data
    }

    fn next_page_info(&self) -> Option<PageInfo> {
        None
    }
}

impl<T: DeserializeOwned + Send + 'static> Paginated for CursorPage<T> {
    type Item = T;

    fn items(&self) -> &[T] {
        &self.data
    }

    fn into_items(self) -> Vec<T> {
        self.data
    }

    fn next_page_info(&self) -> Option<PageInfo> {
        if self.has_more == Some(false) || self.data.is_empty() {
            return None;
        }
        // An empty-string id is still a cursor here, as in Python.
        self.last_item_id.clone().map(|after| PageInfo { after })
    }
}

impl<T: DeserializeOwned + Send + 'static> Paginated for ConversationCursorPage<T> {
    type Item = T;

    fn items(&self) -> &[T] {
        &self.data
    }

    fn into_items(self) -> Vec<T> {
        self.data
    }

    fn next_page_info(&self) -> Option<PageInfo> {
        if self.has_more == Some(false) || self.data.is_empty() {
            return None;
        }
        cursor(self.last_id.as_deref())
    }
}

impl<T: DeserializeOwned + Send + 'static> Paginated for NextCursorPage<T> {
    type Item = T;

    fn items(&self) -> &[T] {
        &self.data
    }

    fn into_items(self) -> Vec<T> {
        self.data
    }

    fn next_page_info(&self) -> Option<PageInfo> {
        if self.has_more == Some(false) || self.data.is_empty() {
            return None;
        }
        cursor(self.next.as_deref())
    }
}

/// A [`CursorPage`], and the `id` of its last item read in a second pass
/// over the body that skips everything else: items are generated types of
/// every shape (unions included), and the raw JSON is where every id is.
fn decode_cursor_page<T: DeserializeOwned>(resp: HttpResponse) -> Result<CursorPage<T>, Error> {
    let last = resp
        .body()
        .as_bytes()
        .and_then(|b| from_json_bytes::<LastItem>(b).ok())
        .and_then(|l| l.data)
        .and_then(|d| d.0);
    let mut page = decode_json::<CursorPage<T>>(resp)?;
    page.last_item_id = last;
    Ok(page)
}

/// The request for the page after `page`.
pub(crate) fn next_request<P: Paginated>(page: &P) -> Result<Request<P>, Error> {
    let fail = |message: &str| Err(Error::Pagination(PaginationError::new(message)));
    let Some(origin) = page.origin() else {
        return fail("this page did not come from a call, so it has no next page");
    };
    let Some(info) = page.next_page_info() else {
        return fail(
            "no next page expected; check `has_next_page()` before calling `get_next_page()`",
        );
    };
    let mut origin = origin.clone();
    let previous = origin
        .options
        .query
        .iter()
        .chain(origin.prepared.query.iter())
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.clone());
    if previous.as_deref() == Some(info.after.as_str()) {
        return fail("the server returned the cursor it was sent; stopping instead of looping");
    }
    origin.options.query.retain(|(k, _)| k != "after");
    origin.prepared.query.retain(|(k, _)| k != "after");
    origin.prepared.query.push(("after".to_owned(), info.after));
    Ok(Request::from_origin(origin, P::decode(), Some(keep::<P>)))
}

fn keep<P: Paginated>(page: &mut P, origin: Origin) {
    page.set_origin(origin);
}

impl<P: Paginated> Request<P> {
    /// A list request whose page remembers the call.
    #[cfg_attr(
        not(feature = "full"),
        allow(
            dead_code,
            reason = "only the list operations of the groups that are on call it"
        )
    )]
    pub(crate) fn page(
        client: &crate::Client,
        prepared: Result<crate::endpoint::Prepared, Error>,
    ) -> Self {
        Request::keeping(client, prepared, P::decode(), keep::<P>)
    }

    /// Every item of every page, fetched lazily: the first page when first
    /// polled, each next one when the items before it are used up. Each page
    /// goes through the normal retries with the original query, headers and
    /// options. An error ends the stream at the page that failed, after the
    /// items already yielded.
    pub fn auto_paging(self) -> AutoPaging<P> {
        AutoPaging {
            items: Vec::new().into_iter(),
            fetching: None,
            next: Some(Ok(self)),
            done: false,
        }
    }
}

/// The items of every page: see [`Request::auto_paging`].
///
/// # Cancel safety
///
/// Dropping the stream drops the page request in flight, if any.
#[must_use = "streams do nothing unless polled"]
pub struct AutoPaging<P: Paginated> {
    items: std::vec::IntoIter<P::Item>,
    fetching: Option<Pin<Box<ResponseFuture<P>>>>,
    next: Option<Result<Request<P>, Error>>,
    done: bool,
}

impl<P: Paginated> Unpin for AutoPaging<P> {}

impl<P: Paginated> futures_core::Stream for AutoPaging<P> {
    type Item = Result<P::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(fut) = this.fetching.as_mut() {
                let page = match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(page)) => page,
                    Poll::Ready(Err(e)) => {
                        this.done = true;
                        this.fetching = None;
                        return Poll::Ready(Some(Err(e)));
                    }
                };
                this.fetching = None;
                this.next = page.has_next_page().then(|| next_request(&page));
                this.items = page.into_items().into_iter();
                continue;
            }
            match this.next.take() {
                Some(Ok(request)) => this.fetching = Some(Box::pin(request.into_future())),
                Some(Err(e)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                None => this.done = true,
            }
        }
    }
}

impl<P: Paginated> fmt::Debug for AutoPaging<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutoPaging")
            .field("buffered", &self.items.len())
            .field("fetching", &self.fetching.is_some())
            .field("done", &self.done)
            .finish()
    }
}

fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The second pass of a [`CursorPage`]: the `id` of the last item only.
#[derive(Deserialize)]
struct LastItem {
    #[serde(default)]
    data: Option<LastOf>,
}

struct LastOf(Option<String>);

impl<'de> Deserialize<'de> for LastOf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LastOf;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LastOf, A::Error> {
                let mut last = None;
                // An item without a string id makes the last id none, as
                // Python's missing attribute does.
                while let Some(item) = seq.next_element::<IdOnly>()? {
                    last = Some(item.id.0);
                }
                Ok(LastOf(last.flatten()))
            }

            fn visit_unit<E>(self) -> Result<LastOf, E> {
                Ok(LastOf(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// One item, of which only a string `id` is read; every other field is
/// skipped without being built. (An item that is not an object fails this
/// pass, and the page then has no cursor: such a list has no ids.)
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: StrOrOther,
}

/// A string, or `None` for any other JSON value (skipped).
#[derive(Default)]
struct StrOrOther(Option<String>);

impl<'de> Deserialize<'de> for StrOrOther {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrOrOther;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id")
            }

            fn visit_str<E>(self, v: &str) -> Result<StrOrOther, E> {
                Ok(StrOrOther(Some(v.to_owned())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrOrOther, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(StrOrOther(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrOrOther, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(StrOrOther(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<StrOrOther, E> {
                Ok(StrOrOther(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<StrOrOther, E> {
                Ok(StrOrOther(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<StrOrOther, E> {
                Ok(StrOrOther(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<StrOrOther, E> {
                Ok(StrOrOther(None))
            }
            fn visit_unit<E>(self) -> Result<StrOrOther, E> {
                Ok(StrOrOther(None))
            }
        }
        d.deserialize_any(V)
    }
}
