//! The SSE decoder ([`openai_core::sse::Decoder`]) under random splits, and
//! against a plain model of the rules on its doc.

use bytes::Bytes;
use openai_core::sse::{Decoder, Event, SseError};

use crate::corpus;
use crate::rng::Rng;

/// Tokens of the event-stream syntax.
pub(crate) const TOKENS: &[&[u8]] = &[
    b"data:",
    b"data: ",
    b"event: ",
    b"id: ",
    b"retry: ",
    b"retry: 99999999999999999999",
    b": comment\n",
    b"[DONE]",
    b"data: [DONE]\n\n",
    b"\r\n\r\n",
    b"\r\r",
    b"\n\n",
    b"id\n",
    b"data\n",
];

pub(crate) fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = corpus::bytes_of(corpus::SSE_STREAMS);
    // Spec examples as one-event streams.
    for json in corpus::compact_examples().into_iter().step_by(8) {
        let mut stream = b"data: ".to_vec();
        stream.extend_from_slice(&json);
        stream.extend_from_slice(b"\n\n");
        seeds.push(stream);
    }
    seeds
}

type Outcome = Result<Event, SseError>;

/// Decodes `input` fed whole.
fn whole(input: &[u8]) -> (Vec<Outcome>, Vec<Option<String>>) {
    let mut d = Decoder::new();
    d.feed(Bytes::copy_from_slice(input));
    drain(&mut d)
}

/// Drains every event, then finishes; also records the last event id after each event.
fn drain(d: &mut Decoder) -> (Vec<Outcome>, Vec<Option<String>>) {
    let mut out = Vec::new();
    let mut ids = Vec::new();
    while let Some(e) = d.next_event() {
        out.push(e);
        ids.push(d.last_event_id().map(str::to_owned));
    }
    while let Some(e) = d.finish() {
        out.push(e);
    }
    assert!(!d.has_partial(), "the decoder holds input after finish");
    assert!(d.last_event_id().is_none(), "finish leaves a last event id");
    (out, ids)
}

/// Decodes `input` cut at random points: empty chunks, single bytes, long
/// runs; events taken after some chunks only (so chunks queue up).
fn split(input: &[u8], aux: u64) -> (Vec<Outcome>, Vec<Option<String>>) {
    let mut rng = Rng::new(aux);
    let mut d = Decoder::new();
    let mut out = Vec::new();
    let mut ids = Vec::new();
    let shared = Bytes::copy_from_slice(input);
    let mut at = 0;
    let max = match rng.below(4) {
        0 => 1,
        1 => 4,
        2 => 64,
        _ => input.len().max(1),
    };
    while at < input.len() {
        let n = rng.below(max + 1).min(input.len() - at);
        // Slices of one buffer (as bodies arrive) or copies.
        if rng.one_in(2) {
            d.feed(shared.slice(at..at + n));
        } else {
            d.feed(Bytes::copy_from_slice(&input[at..at + n]));
        }
        at += n;
        if !rng.one_in(4) {
            while let Some(e) = d.next_event() {
                out.push(e);
                ids.push(d.last_event_id().map(str::to_owned));
            }
        }
    }
    let (rest, rest_ids) = drain(&mut d);
    out.extend(rest);
    ids.extend(rest_ids);
    (out, ids)
}

pub(crate) fn run(input: &[u8], aux: u64) {
    let (whole, whole_ids) = whole(input);
    let (split, split_ids) = split(input, aux);
    assert_eq!(whole, split, "split input decodes to other events");
    assert_eq!(
        whole_ids, split_ids,
        "split input gives other last event ids"
    );
    // Every dispatched event's text was checked: reading it cannot panic.
    for event in whole.iter().flatten() {
        let _ = (event.event(), event.data(), event.id(), event.retry());
        assert_eq!(event.data().as_bytes(), event.data_bytes());
    }
    if let Ok(text) = std::str::from_utf8(input) {
        let got: Vec<Model> = whole
            .into_iter()
            .map(|e| {
                let e = e.expect("valid UTF-8 input gives no UTF-8 error");
                Model {
                    event: e.event().map(str::to_owned),
                    data: e.data().to_owned(),
                    id: e.id().map(str::to_owned),
                    retry: e.retry(),
                }
            })
            .collect();
        assert_eq!(
            got,
            model(text),
            "the decoder and the model of its rules disagree"
        );
    }
}

/// An event as the model builds it.
#[derive(Debug, PartialEq, Eq)]
struct Model {
    event: Option<String>,
    data: String,
    id: Option<String>,
    retry: Option<u64>,
}

/// The rules of `Decoder`'s doc, written the plain way: split into lines,
/// then field by field. Only for valid UTF-8.
fn model(text: &str) -> Vec<Model> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Complete lines only: the unterminated rest cannot dispatch.
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(['\r', '\n']) {
        lines.push(&rest[..end]);
        let skip = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = &rest[end + skip..];
    }
    let mut out = Vec::new();
    let (mut event, mut data, mut retry): (Option<String>, Option<String>, Option<u64>) =
        (None, None, None);
    let mut last_id: Option<String> = None;
    for line in lines {
        if line.is_empty() {
            if event.is_some() || data.is_some() || retry.is_some() || last_id.is_some() {
                out.push(Model {
                    event: event.take(),
                    data: data.take().unwrap_or_default(),
                    id: last_id.clone(),
                    retry: retry.take(),
                });
            }
            continue;
        }
        let (name, value) = match line.split_once(':') {
            Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match name {
            "event" => event = (!value.is_empty()).then(|| value.to_owned()),
            "data" => {
                data = Some(match data.take() {
                    Some(before) => format!("{before}\n{value}"),
                    None => value.to_owned(),
                });
            }
            "id" if value.is_empty() => last_id = None,
            "id" if !value.contains('\0') => last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(n) = value.parse() {
                    retry = Some(n);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_reads_the_seed_streams() {
        let events = model(corpus::SSE_STREAMS[0]);
        assert_eq!(events.len(), 4);
        assert_eq!(events[3].data, "[DONE]");
        let events = model(corpus::SSE_STREAMS[3]);
        assert_eq!(events[0].data, "first line\nsecond line");
        assert_eq!(
            (events[0].id.as_deref(), events[0].retry),
            (Some("42"), Some(3000))
        );
        for (i, seed) in seeds().iter().enumerate() {
            run(seed, i as u64);
        }
    }
}
