//! Every top-level response type's decoder: the client's `decode_json` for
//! each type an operation's body, page or stream event decodes into (the
//! list `cargo xtask codegen` writes, `openai_core::__fuzz::response_types`).
//!
//! An input is `TypeName\n<body>`; when the first line names no type, the
//! auxiliary value picks one.

use openai_core::__fuzz::{ResponseDecoder, response_types};

use crate::corpus;

pub(crate) const TOKENS: &[&[u8]] = &[
    b"\"object\":",
    b"\"type\":",
    b"\"id\":\"x\"",
    b"\"data\":[",
    b"\"error\":",
    b"\"has_more\":true",
    b"\"created\":",
    b"\"usage\":{}",
    b"{}",
    b"[]",
    b"\"\"",
    b"{\"type\":\"message\"}",
];

/// The last segment of a type path, inside any `Page<..>`: `ChatCompletion`.
fn item_name(path: &str) -> &str {
    let inner = path
        .rsplit('<')
        .next()
        .unwrap_or(path)
        .trim_end_matches('>');
    inner.rsplit("::").next().unwrap_or(inner)
}

/// One seed per response type (its own spec example when there is one,
/// else another), then every example under the type it belongs to.
pub(crate) fn seeds() -> Vec<Vec<u8>> {
    let examples = corpus::spec_examples();
    let mut seeds = Vec::new();
    for (i, (path, _)) in response_types().iter().enumerate() {
        let name = item_name(path);
        let own = examples.iter().find(|e| e.type_name == name);
        let body = match own {
            Some(e) => e.json,
            None => examples[i % examples.len()].json,
        };
        let body = if path.contains("Page<") && own.is_some() {
            format!(
                "{{\"object\":\"list\",\"data\":[{body}],\"first_id\":\"a\",\"last_id\":\"b\",\"has_more\":false}}"
            )
        } else {
            body.to_owned()
        };
        seeds.push(format!("{path}\n{body}").into_bytes());
    }
    for e in examples {
        if let Some((path, _)) = response_types()
            .iter()
            .find(|(p, _)| item_name(p) == e.type_name)
        {
            seeds.push(format!("{path}\n{}", e.json).into_bytes());
        }
    }
    seeds
}

/// The decoder named by the input's first line, or the one `aux` picks.
pub(super) fn pick(input: &[u8], aux: u64) -> (&'static str, ResponseDecoder, &[u8]) {
    let types = response_types();
    if let Some(nl) = input.iter().position(|&b| b == b'\n') {
        if let Ok(name) = std::str::from_utf8(&input[..nl]) {
            if let Some((path, decode)) = types.iter().find(|(p, _)| *p == name) {
                return (path, *decode, &input[nl + 1..]);
            }
        }
    }
    let (path, decode) = types[(aux % types.len() as u64) as usize];
    (path, decode, input)
}

pub(crate) fn run(input: &[u8], aux: u64) {
    let (path, decode, body) = pick(input, aux);
    let Ok(encoded) = decode(body) else {
        // A typed error: what a body that is not this type must give.
        return;
    };
    let first =
        encoded.unwrap_or_else(|e| panic!("{path}: a decoded value does not serialize: {e}"));
    // What the type writes, it reads back, and writes the same way.
    let second = match decode(&first) {
        Ok(Ok(second)) => second,
        Ok(Err(e)) => panic!("{path}: the value read back does not serialize: {e}"),
        Err(e) => panic!(
            "{path}: the type does not read what it wrote: {e}\nwrote: {}",
            String::from_utf8_lossy(&first)
        ),
    };
    if let Some(at) = difference(&first, &second) {
        panic!(
            "{path}: writing the value read back differs at byte {at}\nfirst:  {}\nsecond: {}",
            around(&first, at),
            around(&second, at)
        );
    }
}

/// Up to 80 bytes either side of `at`, as text.
fn around(bytes: &[u8], at: usize) -> String {
    let start = at.saturating_sub(80);
    let end = (at + 80).min(bytes.len());
    String::from_utf8_lossy(&bytes[start.min(end)..end]).into_owned()
}

/// Where two serializations differ, other than in a float one unit in the
/// last place apart: serde_json (without its `float_roundtrip` feature)
/// reads some 17-digit floats one unit off, which the second reading then
/// writes. `None` when they are the same.
fn difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let (mut i, mut j) = (0, 0);
    let mut in_string = false;
    while i < a.len() && j < b.len() {
        let starts_number = |c: u8| c == b'-' || c.is_ascii_digit();
        if !in_string && starts_number(a[i]) && starts_number(b[j]) {
            let end = |s: &[u8], k: usize| {
                k + s[k..]
                    .iter()
                    .position(|&c| !(c.is_ascii_digit() || b"-+.eE".contains(&c)))
                    .unwrap_or(s.len() - k)
            };
            let (ei, ej) = (end(a, i), end(b, j));
            let (x, y) = (&a[i..ei], &b[j..ej]);
            if x != y && !one_ulp_apart(x, y) {
                return Some(i);
            }
            (i, j) = (ei, ej);
            continue;
        }
        if a[i] != b[j] {
            return Some(i);
        }
        if in_string && a[i] == b'\\' {
            // An escape: the next byte is part of it, in both.
            i += 1;
            j += 1;
            if a.get(i) != b.get(j) {
                return Some(i);
            }
        } else if a[i] == b'"' {
            in_string = !in_string;
        }
        i += 1;
        j += 1;
    }
    (i != a.len() || j != b.len()).then_some(i)
}

/// Both are floats (std's correctly rounded reading) at most one unit in the last place apart.
fn one_ulp_apart(x: &[u8], y: &[u8]) -> bool {
    let parse = |t: &[u8]| std::str::from_utf8(t).ok()?.parse::<f64>().ok();
    match (parse(x), parse(y)) {
        (Some(x), Some(y)) => {
            x.is_finite() && y.is_finite() && x.to_bits().abs_diff(y.to_bits()) <= 1
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_response_type_has_a_seed_that_names_it_and_seeds_decode() {
        let types = response_types();
        assert!(types.len() > 100, "{}", types.len());
        let seeds = seeds();
        for (path, _) in types {
            let prefix = format!("{path}\n");
            assert!(
                seeds.iter().any(|s| s.starts_with(prefix.as_bytes())),
                "{path}"
            );
        }
        assert_eq!(
            item_name("CursorPage<types::chat::ChatCompletion>"),
            "ChatCompletion"
        );
        assert_eq!(difference(br#"{"a":"x\"1"}"#, br#"{"a":"x\"1"}"#), None);
        assert_eq!(
            difference(
                br#"{"a":1.4294967296752101e+19}"#,
                br#"{"a":1.42949672967521e+19}"#
            ),
            None
        );
        assert_eq!(difference(br#"{"a":1.5}"#, br#"{"a":1.6}"#), Some(5));
        assert_eq!(difference(br#"{"a":"1.5"}"#, br#"{"a":"1.6"}"#), Some(8));
        assert_eq!(difference(br#"{"a":1}"#, br#"{"a":1,"b":2}"#), Some(6));
        // Each type's own spec example decodes into it.
        let ok = seeds
            .iter()
            .filter(|s| {
                let (_, decode, body) = pick(s, 0);
                decode(body).is_ok()
            })
            .count();
        assert!(ok * 2 > seeds.len(), "{ok} of {} seeds decode", seeds.len());
        for (i, seed) in seeds.iter().enumerate() {
            run(seed, i as u64);
        }
    }
}
