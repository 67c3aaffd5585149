//! The query encoder: params flattened in the bracket convention
//! (`openai_core::__fuzz::query_pairs`) and joined to the request URI
//! (`build_uri`). Asserts the pairs are the convention's, the URI is valid,
//! and its query decodes back to exactly those pairs after the kept part of
//! a hard-coded query.

use openai_core::__fuzz::{build_uri, query_pairs};
use serde_json::Value;

use super::values::{bracket_pairs, value_of};
use crate::corpus;

pub(crate) const TOKENS: &[&[u8]] = &[
    b"\"limit\":",
    b"\"after\":\"x\"",
    b"\"include\":[",
    b"\"metadata\":{",
    b"%",
    b"+",
    b"&",
    b"=",
    b"?",
    b"#",
];

pub(crate) fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = corpus::bytes_of(&[
        r#"{"limit":20,"order":"desc","after":"obj_123","include":["a","b"],"metadata":{"k":"v"}}"#,
        r#"{"q":"a b&c=d?e#f%g+h","nested":{"deep":{"x":[1,2.5,-3,true,null]}},"empty":[],"none":null}"#,
        r#"{"\u00e9":"\u4e16","emoji":"\ud83d\ude00","ctl":"\u0000\r\n"}"#,
        r#"{"limit":1}"#,
        "{}",
        "[1]",
        "\"text\"",
        "null",
    ]);
    seeds.extend(corpus::compact_examples().into_iter().step_by(16));
    seeds
}

const BASE: &str = "https://api.openai.com/v1/";

/// Form decoding: `+` is a space, `%XX` a byte.
fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("two hex digits");
                out.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).expect("the query decodes to UTF-8")
}

pub(crate) fn run(input: &[u8], aux: u64) {
    let params = value_of(input);
    let got = query_pairs(&params);
    assert_eq!(got, query_pairs(&params), "not deterministic");
    let pairs = match &params {
        Value::Object(map) => {
            let pairs = got.expect("an object's pairs");
            assert_eq!(pairs, bracket_pairs(map), "not the bracket convention");
            pairs
        }
        Value::Null => {
            assert_eq!(got, Ok(Vec::new()), "null gives no pairs");
            return;
        }
        _ => {
            assert!(
                got.is_err(),
                "a params value that is not an object was flattened"
            );
            return;
        }
    };

    // A path, with or without a hard-coded query of its own, or absolute.
    let (path, hard_coded): (&str, &[(&str, &str)]) = match aux % 4 {
        0 => ("things", &[]),
        1 => ("/things/thing_1/items", &[]),
        2 => (
            "things?limit=1&order=asc",
            &[("limit", "1"), ("order", "asc")],
        ),
        _ => ("https://other.example.com/x?after=a", &[("after", "a")]),
    };
    let uri = match build_uri(BASE, path, &pairs) {
        Ok(uri) => uri,
        // `http::Uri` holds at most 64 KiB.
        Err(_)
            if pairs
                .iter()
                .map(|(k, v)| 3 * (k.len() + v.len()) + 2)
                .sum::<usize>()
                > 60_000 =>
        {
            return;
        }
        Err(e) => panic!("no URI for {pairs:?}: {e}"),
    };
    let query = uri.query().unwrap_or("");
    assert!(
        query
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%+&=".contains(&b)),
        "a character that is not escaped: {query:?}"
    );
    let decoded: Vec<(String, String)> = if query.is_empty() {
        Vec::new()
    } else {
        query
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').expect("name=value");
                (form_decode(k), form_decode(v))
            })
            .collect()
    };
    let mut want: Vec<(String, String)> = hard_coded
        .iter()
        .filter(|(k, _)| !pairs.iter().any(|(p, _)| p == k))
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    want.extend(pairs.iter().cloned());
    assert_eq!(
        decoded, want,
        "the query does not decode back to the params"
    );
}
