//! Finding a tagged union's tag in the bytes of a JSON document, before decoding it.
//!
//! A `Deserialize` reads a stream: a union reads keys until its tag, then hands the tag on to
//! the variant through a replaying map (`union::TagReplay`). With the whole document in
//! memory, [`FromJsonSlice`](crate::FromJsonSlice) can instead look the tag up first and
//! decode the variant straight from the bytes. This module does the looking.
//!
//! The scan is exact on valid JSON. On anything it does not read plainly (a key or tag with
//! an escape, a tag that is not a string, bytes that are not JSON) it answers `None` and the
//! caller takes the ordinary path; it never decides that bytes are valid: the decoding that
//! follows reads every byte again with serde_json.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Deserializer, Result};

use super::DeUnion;

/// Decoding one JSON document held in memory.
///
/// The value is the one `serde_json::from_slice` gives. The event unions the SDK receives
/// (every tagged union named `…ServerEvent` or `…StreamEvent`, such as
/// `RealtimeServerEvent`) decode faster this way: they find their tag in the bytes first
/// and decode the variant straight from them, where their `Deserialize`, which reads a
/// stream, must hand the tag on to the variant through a replaying map. The WebSocket
/// connections decode every server event with it.
///
/// ```
/// # #[cfg(feature = "realtime")] {
/// use openai_types::FromJsonSlice;
/// use openai_types::realtime::RealtimeServerEvent;
///
/// let text = br#"{"type":"response.output_text.delta","event_id":"e_1","response_id":"r_1",
///     "item_id":"i_1","output_index":0,"content_index":0,"delta":"Hi"}"#;
/// let event = RealtimeServerEvent::from_json_slice(text)?;
/// assert_eq!(event, serde_json::from_slice(text)?);
/// assert!(matches!(event, RealtimeServerEvent::ResponseOutputTextDelta(d) if d.delta == "Hi"));
/// # }
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait FromJsonSlice: Sized {
    /// Decodes `bytes`, one JSON document.
    ///
    /// # Errors
    ///
    /// Those of `serde_json::from_slice`: the bytes are not JSON, or not this type.
    fn from_json_slice(bytes: &[u8]) -> Result<Self>;
}

/// [`FromJsonSlice`] of a union: the variant its scanned tag names, decoded straight from
/// the bytes, else the general path.
pub(crate) fn from_json_slice<T: DeUnion + DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    decode(bytes, || Deserializer::from_slice(bytes))
}

/// As [`from_json_slice`], from text already checked as UTF-8 (serde_json then skips the
/// check of each string).
pub(crate) fn from_json_str<T: DeUnion + DeserializeOwned>(text: &str) -> Result<T> {
    decode(text.as_bytes(), || Deserializer::from_str(text))
}

fn decode<'de, R: serde_json::de::Read<'de>, T: DeUnion + Deserialize<'de>>(
    bytes: &[u8],
    deserializer: impl Fn() -> Deserializer<R>,
) -> Result<T> {
    if let Some(tag) = T::TAG.and_then(|key| scan_tag(bytes, key)) {
        let mut de = deserializer();
        let mut slot = None;
        if let Some(read) = T::from_tag_bytes(tag, &mut de, &mut slot) {
            read?;
            de.end()?;
            return slot.ok_or_else(|| {
                serde::de::Error::custom(format_args!("no {} value was read", T::NAME))
            });
        }
    }
    // What `serde_json::from_slice` and `from_str` do.
    let mut de = deserializer();
    let value = T::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The string value of the first top-level key `key` of the JSON object in `bytes`, when
/// that value and every key before it hold no escape: the bytes between its quotes (not
/// checked for UTF-8; the callers compare them with their ASCII tags).
pub(crate) fn scan_tag<'a>(bytes: &'a [u8], key: &str) -> Option<&'a [u8]> {
    let mut s = Scanner { bytes, at: 0 };
    s.space();
    s.eat(b'{')?;
    loop {
        s.space();
        let name = s.plain_string()?;
        s.space();
        s.eat(b':')?;
        s.space();
        if name == key.as_bytes() {
            return s.plain_string();
        }
        s.skip_value()?;
        s.space();
        // `}`: the object has no such key.
        s.eat(b',')?;
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// A string without escapes: its bytes between the quotes.
    fn plain_string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let rest = self.bytes.get(self.at..)?;
        let len = memchr::memchr2(b'"', b'\\', rest)?;
        if rest[len] == b'\\' {
            return None;
        }
        self.at += len + 1;
        Some(&rest[..len])
    }

    /// Past the string that starts here, escapes and all.
    fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            let rest = self.bytes.get(self.at..)?;
            let len = memchr::memchr2(b'"', b'\\', rest)?;
            if rest[len] == b'"' {
                self.at += len + 1;
                return Some(());
            }
            // A backslash and the byte it escapes (the four hex digits of `\u` hold no
            // quote or backslash).
            self.at += len + 2;
        }
    }

    /// Past the value that starts here (not validated: serde_json reads it later).
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth -= 1,
                        _ => {}
                    }
                    self.at += 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
            }
            // A number, `true`, `false` or `null`.
            _ => {
                let start = self.at;
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.at += 1;
                }
                (self.at > start).then_some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    use super::scan_tag;
    use crate::support::testing::Rng;

    #[test]
    fn finds_the_tag_wherever_it_is() {
        let cases: &[(&str, Option<&str>)] = &[
            (r#"{"type":"a.b"}"#, Some("a.b")),
            (r#" { "type" : "x" , "id": 1 } "#, Some("x")),
            (r#"{"id":"e_1","type":"x"}"#, Some("x")),
            (
                r#"{"n":-1.5e3,"t":true,"f":false,"z":null,"type":"x"}"#,
                Some("x"),
            ),
            (
                r#"{"o":{"type":"inner","a":[1,{"b":"]}"}]},"type":"outer"}"#,
                Some("outer"),
            ),
            (r#"{"s":"a\"type\":\"no\"\\","type":"yes"}"#, Some("yes")),
            (r#"{"type":"first","type":"second"}"#, Some("first")),
            (r#"{"type":"é😀"}"#, Some("é😀")),
            (r#"{"type":""}"#, Some("")),
        ];
        for (json, tag) in cases {
            assert_eq!(
                scan_tag(json.as_bytes(), "type"),
                tag.map(str::as_bytes),
                "{json}"
            );
        }
    }

    #[test]
    fn answers_none_for_what_it_does_not_read_plainly() {
        for json in [
            r#"{"id":1}"#,
            r#"{}"#,
            r#"[{"type":"x"}]"#,
            r#""type""#,
            r#"{"type":5}"#,
            r#"{"type":null}"#,
            r#"{"type":"a\u002eb"}"#,
            r#"{"typ\u0065":"x"}"#,
            r#"{"a":{"type":"nested"}}"#,
            r#"{"type":"unterminated"#,
            r#"{"type""x"}"#,
            r#"{"a" 1,"type":"x"}"#,
            r#"{"a":,"type":"x"}"#,
            r#"{"a":[1,2"#,
            "",
            "{",
        ] {
            assert_eq!(scan_tag(json.as_bytes(), "type"), None, "{json}");
        }
    }

    /// On random objects of random values, the scan agrees with serde_json: it finds the
    /// tag exactly when the object has it as a plain string, whatever comes before it.
    #[test]
    fn agrees_with_serde_json() {
        let mut rng = Rng::new(7);
        // Half the strings plain: random ones mostly hold a quote or a backslash.
        let name = |rng: &mut Rng| {
            let s = rng.string();
            if rng.next() % 2 == 0 {
                s.replace(['"', '\\'], "")
            } else {
                s
            }
        };
        let mut found = 0;
        for _ in 0..3_000 {
            let mut object = Map::new();
            let before = rng.next() % 4;
            for _ in 0..before {
                object.insert(name(&mut rng), rng.value(3));
            }
            let tag = match rng.next() % 4 {
                0 => None,
                1 => Some(Value::from(7)),
                _ => Some(Value::String(name(&mut rng))),
            };
            if let Some(tag) = &tag {
                object.insert("type".to_owned(), tag.clone());
            }
            for _ in 0..rng.next() % 3 {
                object.insert(name(&mut rng), rng.value(3));
            }
            let text = if rng.next() % 2 == 0 {
                serde_json::to_string(&object)
            } else {
                serde_json::to_string_pretty(&object)
            }
            .expect("a map serializes");
            // Plain: written without escapes. Keys come out in the map's order.
            let plain = |s: &str| !s.contains(['"', '\\']) && !s.chars().any(char::is_control);
            let mut expected = None;
            for (key, value) in &object {
                if key == "type" {
                    expected = value.as_str().filter(|s| plain(s));
                    break;
                }
                if !plain(key) {
                    break;
                }
            }
            let got = scan_tag(text.as_bytes(), "type");
            assert_eq!(got, expected.map(str::as_bytes), "{text}");
            found += usize::from(got.is_some());
        }
        assert!(found > 600, "the tag was read plainly only {found} times");
    }
}
