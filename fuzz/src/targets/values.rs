//! JSON values for the encoders: the input parsed as JSON when it is JSON,
//! else built from its bytes (each byte a choice), so every input reaches
//! the encoder; and the bracket convention written the plain way, as the
//! encoders' oracle.

use serde_json::{Map, Number, Value};

use crate::rng::Rng;

/// Characters that matter to query strings, form headers and JSON.
const PALETTE: &[char] = &[
    'a',
    'Z',
    '0',
    ' ',
    '+',
    '%',
    '&',
    '=',
    '?',
    '#',
    '[',
    ']',
    '"',
    '\'',
    '\\',
    '\r',
    '\n',
    '\t',
    '\0',
    '/',
    '.',
    '~',
    '-',
    '_',
    ';',
    ':',
    '@',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{e9}',
    '\u{4e16}',
    '\u{1f600}',
    '\u{2028}',
    '\u{feff}',
];

/// The value of an input: its JSON, or one built from its bytes.
pub(crate) fn value_of(input: &[u8]) -> Value {
    if let Ok(v) = serde_json::from_slice(input) {
        return v;
    }
    let mut bytes = Bytes { data: input, at: 0 };
    let mut map = Map::new();
    while bytes.at < bytes.data.len() && map.len() < 16 {
        let key = bytes.string();
        let value = bytes.value(0);
        map.insert(key, value);
    }
    Value::Object(map)
}

/// A string of `len` palette or printable characters drawn from `rng`.
pub(crate) fn string(rng: &mut Rng, len: usize) -> String {
    (0..len)
        .map(|_| {
            if rng.one_in(2) {
                *rng.pick(PALETTE)
            } else {
                char::from(0x20 + rng.byte() % 0x5f)
            }
        })
        .collect()
}

struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| (acc << 8) | u64::from(self.byte()))
    }

    fn string(&mut self) -> String {
        let len = usize::from(self.byte() % 12);
        (0..len)
            .map(|_| {
                let b = self.byte();
                if b < 0x80 {
                    char::from(b)
                } else {
                    PALETTE[usize::from(b) % PALETTE.len()]
                }
            })
            .collect()
    }

    fn value(&mut self, depth: usize) -> Value {
        let kind = self.byte() % if depth >= 4 { 6 } else { 8 };
        match kind {
            0 => Value::Null,
            1 => Value::Bool(self.byte() % 2 == 1),
            2 => Value::from(self.u64() as i64),
            3 => Value::from(self.u64()),
            4 => Number::from_f64(f64::from_bits(self.u64())).map_or(Value::Null, Value::Number),
            5 => Value::String(self.string()),
            6 => {
                let n = usize::from(self.byte() % 4);
                Value::Array((0..n).map(|_| self.value(depth + 1)).collect())
            }
            _ => {
                let n = usize::from(self.byte() % 4);
                let mut map = Map::new();
                for _ in 0..n {
                    let key = self.string();
                    let value = self.value(depth + 1);
                    map.insert(key, value);
                }
                Value::Object(map)
            }
        }
    }
}

/// A number as the encoders write it: they write the params as JSON and
/// read that text back, and serde_json (without its `float_roundtrip`
/// feature) reads some 17-digit floats one unit in the last place off, so
/// a float is the float serde_json reads from its own text.
fn read_back(n: &Number) -> String {
    match n.as_f64().filter(|_| n.is_f64()) {
        Some(_) => serde_json::from_str::<f64>(&n.to_string())
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| n.to_string(), |f| f.to_string()),
        None => n.to_string(),
    }
}

/// The bracket convention of `reference/client.md` 9 and 10, the plain way:
/// scalars as JSON writes them, `parent[key]`, repeated `name[]`, nothing
/// for `null`, `[]` and `{}`.
pub(crate) fn bracket_pairs(params: &Map<String, Value>) -> Vec<(String, String)> {
    fn walk(name: String, value: &Value, out: &mut Vec<(String, String)>) {
        match value {
            Value::Null => {}
            Value::Bool(b) => out.push((name, b.to_string())),
            Value::Number(n) => out.push((name, read_back(n))),
            Value::String(s) => out.push((name, s.clone())),
            Value::Array(items) => {
                for item in items {
                    walk(format!("{name}[]"), item, out);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    walk(format!("{name}[{k}]"), v, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (k, v) in params {
        walk(k.clone(), v, &mut out);
    }
    out
}
