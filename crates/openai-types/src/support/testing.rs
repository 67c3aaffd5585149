//! Test helpers shared by the generated example tests and the hand-written ones.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Parses `json` as `T` (from text and from a `Value`), serializes it back and checks that
/// the result is the same JSON (see [`assert_json_eq`] for numbers).
#[track_caller]
pub(crate) fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    json: &str,
) -> T {
    let expected: Value = serde_json::from_str(json).expect("example is JSON");
    let from_text: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("parse: {e}"));
    let from_value: T =
        serde_json::from_value(expected.clone()).unwrap_or_else(|e| panic!("from_value: {e}"));
    assert_eq!(from_text, from_value, "text and value parse differ");
    let back = serde_json::to_value(&from_text).expect("serialize");
    assert_json_eq(&back, &expected);
    from_text
}

/// `FromJsonSlice` (the tag scan) gives what `Deserialize` gives, value or error: for
/// `json` as written, with its top-level keys in reverse order, with the tag first and last,
/// and with an unknown field holding a nested tag before it.
#[track_caller]
pub(crate) fn same_from_slice<T>(json: &str, tag: &str)
where
    T: crate::FromJsonSlice + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    same_decoding(json, tag, |text| T::from_json_slice(text.as_bytes()));
}

/// As [`same_from_slice`], for `ResponseMeta::from_json_str` (the streaming client's).
#[track_caller]
pub(crate) fn same_from_str<T>(json: &str, tag: &str)
where
    T: crate::ResponseMeta + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    same_decoding(json, tag, T::from_json_str);
}

#[track_caller]
fn same_decoding<T>(json: &str, tag: &str, decode: impl Fn(&str) -> serde_json::Result<T>)
where
    T: DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let value: Value = serde_json::from_str(json).expect("example is JSON");
    let mut texts = vec![json.to_owned()];
    if let Value::Object(map) = &value {
        let entry = |(k, v): (&String, &Value)| {
            format!(
                "{}:{}",
                Value::String(k.clone()),
                serde_json::to_string(v).expect("a value serializes")
            )
        };
        let object = |entries: Vec<String>| format!("{{{}}}", entries.join(","));
        texts.push(object(map.iter().rev().map(entry).collect()));
        let (tags, rest): (Vec<_>, Vec<_>) = map.iter().partition(|(k, _)| *k == tag);
        let tags: Vec<String> = tags.into_iter().map(entry).collect();
        let rest: Vec<String> = rest.into_iter().map(entry).collect();
        texts.push(object([tags.clone(), rest.clone()].concat()));
        texts.push(object([rest.clone(), tags.clone()].concat()));
        let unknown = format!("\"zz_unknown\":{{\"{tag}\":\"nested\",\"a\":[\"}}\"]}}");
        texts.push(object([vec![unknown], rest, tags].concat()));
    }
    for text in &texts {
        let scanned = decode(text);
        let streamed = serde_json::from_str::<T>(text);
        match (&scanned, &streamed) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
            (Err(_), Err(_)) => {}
            _ => panic!("the scan gave {scanned:?}, serde_json {streamed:?}: {text}"),
        }
    }
    assert!(decode(json).is_ok(), "the example does not decode: {json}");
}

/// JSON equality, strict about numbers but for one change: a float with an integral value
/// (`1.0`) may come back as that integer (`1`), since a `number` field holds an `f64` and
/// writes integral values as integers (`support/number.rs`). An integer must come back as
/// an integer, and a fraction as the same fraction.
#[track_caller]
pub(crate) fn assert_json_eq(actual: &Value, expected: &Value) {
    if !json_eq(actual, expected) {
        panic!(
            "round trip changed the JSON\n actual: {}\nexpected: {}",
            serde_json::to_string(actual).unwrap_or_default(),
            serde_json::to_string(expected).unwrap_or_default()
        );
    }
}

fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (y.is_f64() && !x.is_f64() && x.as_f64() == y.as_f64())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// A deterministic xorshift generator for property-style tests (no dependency needed).
#[derive(Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// An arbitrary JSON value of bounded depth.
    pub(crate) fn value(&mut self, depth: u32) -> Value {
        let kind = if depth == 0 {
            self.below(5)
        } else {
            self.below(7)
        };
        match kind {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => Value::from(self.next() as i64 >> 8),
            3 => Value::from((self.below(1_000_000) as f64) / 64.0),
            4 => Value::String(self.string()),
            5 => Value::Array((0..self.below(4)).map(|_| self.value(depth - 1)).collect()),
            _ => Value::Object(
                (0..self.below(4))
                    .map(|_| (self.string(), self.value(depth - 1)))
                    .collect(),
            ),
        }
    }

    pub(crate) fn string(&mut self) -> String {
        const CHARS: &[char] = &['a', 'z', '_', '.', '-', '0', 'é', '"', '\\', ' ', '😀'];
        (0..self.below(12))
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize])
            .collect()
    }
}

/// Property: extra fields of arbitrary JSON and unknown strings in the enum fields listed
/// survive parse + serialize of `T`, and `extra_fields`-style access sees them.
#[track_caller]
pub(crate) fn lossless<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    base: &str,
    enum_fields: &[&str],
) {
    let base: Value = serde_json::from_str(base).expect("base is JSON");
    for seed in 1..=24u64 {
        let mut rng = Rng::new(seed);
        let mut input = base.clone();
        let obj = input.as_object_mut().expect("base is an object");
        for i in 0..=rng.below(4) {
            let key = format!("zz_extra_{i}_{}", rng.string());
            obj.insert(key, rng.value(3));
        }
        for field in enum_fields {
            obj.insert(
                (*field).to_owned(),
                Value::String(format!("zz_unknown_{}", rng.string())),
            );
        }
        let text = serde_json::to_string(&input).expect("serialize input");
        let parsed: T =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
        let back = serde_json::to_value(&parsed).expect("serialize");
        assert_json_eq(&back, &input);
        let again: T = serde_json::from_value(back).expect("reparse");
        assert_eq!(again, parsed, "seed {seed}");
    }
}
