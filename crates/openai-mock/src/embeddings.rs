//! The built-in model's `POST /v1/embeddings`: deterministic vectors seeded from a hash of
//! each input (FNV-1a, then splitmix64), normalised to unit length.

use serde_json::{Value, json};

use crate::chat;
use crate::errors;

/// Vector size when the request sets no `dimensions`.
const DEFAULT_DIMENSIONS: u64 = 1536;

/// Largest `dimensions` the mock accepts (the largest real model has 3072).
const MAX_DIMENSIONS: u64 = 16_384;

/// The model reported when the request names none.
const DEFAULT_MODEL: &str = "text-embedding-3-small";

/// One input to embed.
#[derive(Debug)]
enum Input {
    Text(String),
    Tokens(Vec<u64>),
}

/// Answers an embeddings request: `Ok(body)` or `Err((status, error body))`.
pub(crate) fn answer(request: &Value) -> Result<Value, (u16, Value)> {
    let inputs = parse_inputs(request.get("input"))?;
    let dimensions = match request.get("dimensions") {
        None | Some(Value::Null) => DEFAULT_DIMENSIONS,
        Some(value) => match value.as_u64() {
            Some(d) if (1..=MAX_DIMENSIONS).contains(&d) => d,
            _ => return Err(invalid("Invalid value for 'dimensions'.", "dimensions")),
        },
    };
    let base64 = match request.get("encoding_format").and_then(Value::as_str) {
        None | Some("float") => false,
        Some("base64") => true,
        Some(_) => {
            return Err(invalid(
                "Invalid value for 'encoding_format': expected 'float' or 'base64'.",
                "encoding_format",
            ));
        }
    };
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_MODEL);
    let mut tokens = 0;
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(index, input)| {
            let (seed, count) = match input {
                Input::Text(text) => (fnv1a(text.as_bytes()), chat::count_tokens(text)),
                Input::Tokens(ids) => (hash_tokens(ids), ids.len() as u64),
            };
            tokens += count;
            let vector = vector(seed, dimensions as usize);
            let embedding = if base64 {
                Value::String(encode_base64(&f32_le_bytes(&vector)))
            } else {
                Value::Array(vector.iter().map(|&x| short_number(x)).collect())
            };
            json!({"object": "embedding", "index": index, "embedding": embedding})
        })
        .collect();
    Ok(json!({
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens}
    }))
}

/// Reads `input`: a string, an array of strings, an array of token ids, or an array of
/// arrays of token ids.
fn parse_inputs(input: Option<&Value>) -> Result<Vec<Input>, (u16, Value)> {
    let invalid_input = || invalid("'$.input' is invalid.", "input");
    match input {
        None | Some(Value::Null) => Err(invalid("Missing required parameter: 'input'.", "input")),
        Some(Value::String(text)) => Ok(vec![Input::Text(text.clone())]),
        Some(Value::Array(items)) if items.is_empty() => Err(invalid_input()),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(items
            .iter()
            .map(|item| Input::Text(item.as_str().unwrap_or_default().to_owned()))
            .collect()),
        Some(Value::Array(items)) if items.iter().all(Value::is_u64) => Ok(vec![Input::Tokens(
            items.iter().filter_map(Value::as_u64).collect(),
        )]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::Array(ids) if !ids.is_empty() && ids.iter().all(Value::is_u64) => Ok(
                    Input::Tokens(ids.iter().filter_map(Value::as_u64).collect()),
                ),
                _ => Err(invalid_input()),
            })
            .collect(),
        Some(_) => Err(invalid_input()),
    }
}

fn invalid(message: &str, param: &str) -> (u16, Value) {
    (
        400,
        errors::body(message, "invalid_request_error", Some(param), None),
    )
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

fn hash_tokens(ids: &[u64]) -> u64 {
    let mut bytes = Vec::with_capacity(8 + ids.len() * 8);
    bytes.extend_from_slice(b"tokens:");
    for id in ids {
        bytes.extend_from_slice(&id.to_le_bytes());
    }
    fnv1a(&bytes)
}

/// The splitmix64 generator step.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A unit-length vector of `dimensions` floats drawn from `seed`.
fn vector(seed: u64, dimensions: usize) -> Vec<f32> {
    let mut state = seed;
    let raw: Vec<f64> = (0..dimensions)
        .map(|_| (splitmix64(&mut state) >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0)
        .collect();
    let norm = raw.iter().map(|x| x * x).sum::<f64>().sqrt();
    let norm = if norm > 0.0 { norm } else { 1.0 };
    raw.iter().map(|x| (x / norm) as f32).collect()
}

/// `x` as a JSON number written with the shortest digits that read back as the same
/// `f32` (`-0.117718004`, not the 17 digits of its `f64` widening), like the API writes.
fn short_number(x: f32) -> Value {
    x.to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn f32_le_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Standard base64 (RFC 4648 alphabet, with `=` padding).
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(encode_base64(input.as_bytes()), expected);
        }
        assert_eq!(encode_base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn vectors_are_unit_length_and_seeded() {
        let a = vector(fnv1a(b"hello"), 64);
        let norm: f32 = a.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-4);
        assert_eq!(a, vector(fnv1a(b"hello"), 64));
        assert_ne!(a, vector(fnv1a(b"hellp"), 64));
    }

    #[test]
    fn rejects_bad_inputs() {
        for request in [
            json!({"model": "m"}),
            json!({"input": []}),
            json!({"input": [1, "a"]}),
            json!({"input": {"a": 1}}),
            json!({"input": "x", "dimensions": 0}),
            json!({"input": "x", "encoding_format": "hex"}),
        ] {
            let (status, body) = answer(&request).unwrap_err();
            assert_eq!(status, 400, "{request}");
            assert_eq!(body["error"]["type"], "invalid_request_error");
        }
    }

    #[test]
    fn token_inputs() {
        let body = answer(&json!({"input": [[1, 2], [3]], "dimensions": 4})).unwrap();
        assert_eq!(body["data"].as_array().unwrap().len(), 2);
        assert_eq!(body["usage"]["prompt_tokens"], 3);
        assert_eq!(body["data"][1]["embedding"].as_array().unwrap().len(), 4);
        assert_eq!(body["data"][1]["index"], 1);
    }
}
