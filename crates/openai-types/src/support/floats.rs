//! `Vec<f32>` fields that the API sends either as a JSON array of numbers or as a base64
//! string of little-endian `f32`s (embeddings with `encoding_format: "base64"`, which the
//! Python SDK asks for by default and decodes to floats).
//!
//! The generator puts such a field in its table of field type overrides
//! (`xtask/src/lower/overrides.rs`); the struct visitor reads it through [`F32s`], and it
//! serializes as a plain array of floats.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use crate::base64::decode_f32s;

/// Reads a `Vec<f32>` from an array of numbers or a base64 string.
#[derive(Debug)]
pub(crate) struct F32s(pub(crate) Vec<f32>);

impl F32s {
    #[inline]
    pub(crate) fn into_inner(self) -> Vec<f32> {
        self.0
    }
}

impl<'de> Deserialize<'de> for F32s {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(F32sVisitor)
    }
}

struct F32sVisitor;

impl<'de> Visitor<'de> for F32sVisitor {
    type Value = F32s;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of numbers or a base64 string of little-endian f32s")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<F32s, A::Error> {
        // Cap the hint: it comes from the input.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element::<f32>()? {
            out.push(v);
        }
        Ok(F32s(out))
    }

    // `visit_str` covers both a string borrowed from the input and one the deserializer
    // unescaped into its scratch buffer: neither allocates a `String`.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<F32s, E> {
        decode_f32s(v).map(F32s).map_err(E::custom)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<F32s, E> {
        self.visit_str(&v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Vec<f32>, serde_json::Error> {
        serde_json::from_str::<F32s>(json).map(F32s::into_inner)
    }

    #[test]
    fn floats_or_base64() {
        assert_eq!(parse("[1.0, -2.5, 0, 3]").unwrap(), [1.0, -2.5, 0.0, 3.0]);
        // [1.0, -2.5, 0.0] as little-endian f32s.
        assert_eq!(parse(r#""AACAPwAAIMAAAAAA""#).unwrap(), [1.0, -2.5, 0.0]);
        // The same through an escaped string and through a `Value` (owned strings).
        assert_eq!(
            parse(r#""AACAPwAAIMAAAAA\u0041""#).unwrap(),
            [1.0, -2.5, 0.0]
        );
        let value = serde_json::json!("AACAPwAAIMAAAAAA");
        assert_eq!(
            serde_json::from_value::<F32s>(value).unwrap().0,
            [1.0, -2.5, 0.0]
        );
        assert_eq!(parse(r#""""#).unwrap(), Vec::<f32>::new());
    }

    #[test]
    fn malformed_base64_and_wrong_lengths_are_errors() {
        let err = parse(r#""AACAPwAA*MAAAAAA""#).unwrap_err();
        assert!(err.to_string().contains("invalid base64 byte"), "{err}");
        // Six bytes: not a whole number of floats.
        let err = parse(r#""AACAPwAA""#).unwrap_err();
        assert!(err.to_string().contains("not a whole number"), "{err}");
        assert!(parse(r#""AACAP""#).is_err());
        assert!(parse("{}").is_err());
        assert!(parse(r#"["1"]"#).is_err());
    }
}
