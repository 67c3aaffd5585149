//! The typed stream ([`openai_core::Stream`]) the clients hand out, over a
//! body that arrives in random chunks: the same items whole or split.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures_core::Stream as _;
use http_body::Frame;
use openai_core::Stream;
use openai_core::types::chat::ChatCompletionChunk;
use openai_core::types::responses::ResponseStreamEvent;
use openai_transport::ResponseBody;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::rng::Rng;

/// More items than any input of the mutator's size can give.
const MAX_ITEMS: usize = 1 << 20;

pub(crate) fn seeds() -> Vec<Vec<u8>> {
    super::sse::seeds()
}

/// A body that hands out its chunks, each poll ready.
struct Chunks(VecDeque<Bytes>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.pop_front().map(|c| Ok(Frame::data(c))))
    }
}

/// Every item of a stream of `T` over `chunks`: values as JSON, errors as text.
fn items<T>(chunks: VecDeque<Bytes>) -> Vec<Result<Vec<u8>, String>>
where
    T: DeserializeOwned + Serialize + openai_core::types::ResponseMeta,
{
    let mut stream: Stream<T> = Stream::new(ResponseBody::new(Chunks(chunks)), None);
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    loop {
        match Pin::new(&mut stream).poll_next(&mut cx) {
            Poll::Ready(Some(item)) => out.push(match item {
                Ok(v) => Ok(serde_json::to_vec(&v).expect("a decoded event serializes")),
                Err(e) => Err(e.to_string()),
            }),
            Poll::Ready(None) => return out,
            Poll::Pending => panic!("a stream over a ready body returned Pending"),
        }
        assert!(out.len() < MAX_ITEMS, "the stream does not end");
    }
}

fn split(input: &[u8], rng: &mut Rng) -> VecDeque<Bytes> {
    let shared = Bytes::copy_from_slice(input);
    let max = *rng.pick(&[1, 3, 17, input.len().max(1)]);
    let mut out = VecDeque::new();
    let mut at = 0;
    while at < input.len() {
        let n = rng.below(max + 1).min(input.len() - at);
        out.push_back(shared.slice(at..at + n));
        at += n;
    }
    out
}

fn check<T>(input: &[u8], rng: &mut Rng)
where
    T: DeserializeOwned + Serialize + openai_core::types::ResponseMeta,
{
    let whole = items::<T>(VecDeque::from([Bytes::copy_from_slice(input)]));
    let split = items::<T>(split(input, rng));
    assert_eq!(whole, split, "split body gives other stream items");
    // Nothing follows an error: the stream ends with it.
    if let Some(at) = whole.iter().position(Result::is_err) {
        assert_eq!(at + 1, whole.len(), "items after an error");
    }
}

pub(crate) fn run(input: &[u8], aux: u64) {
    let mut rng = Rng::new(aux);
    match aux % 3 {
        0 => check::<serde_json::Value>(input, &mut rng),
        1 => check::<ChatCompletionChunk>(input, &mut rng),
        _ => check::<ResponseStreamEvent>(input, &mut rng),
    }
}
