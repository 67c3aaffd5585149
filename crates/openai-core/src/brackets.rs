//! Params as `(name, value)` pairs in the bracket convention: the query
//! string of every operation with query parameters, and the text fields of
//! every multipart upload.
//!
//! `reference/client.md` sections 9 and 10: the Python SDK encodes query
//! params, and the non-file fields of an upload, with its query-string
//! rules, array format `brackets`: a scalar is one field (`true`/`false` for booleans, numbers as
//! JSON writes them), a nested object's fields are `parent[key]`, an array's
//! items are repeated `name[]` fields, and an object inside an array is
//! `name[][key]` (as in Python's `documents[][file]`). `null`, empty arrays
//! and empty objects give nothing. Fields keep the order of the body.
//!
//! The params are written with the same checked JSON writer as JSON bodies
//! (a NaN is refused, not sent as `null`), then walked in document order: a
//! `serde_json::Value` would sort the keys.

use std::fmt;

use serde::Serialize;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

/// The `(name, value)` pairs of `value`, a struct or map, in order.
pub(crate) fn flatten<T: Serialize + ?Sized>(value: &T) -> Result<Vec<(String, String)>, String> {
    flatten_except(value, &[])
}

/// As [`flatten`], leaving out the top-level fields named in `skip` (the
/// files of an upload, sent as parts of their own).
pub(crate) fn flatten_except<T: Serialize + ?Sized>(
    value: &T,
    skip: &[&str],
) -> Result<Vec<(String, String)>, String> {
    let json = crate::json::to_vec(value).map_err(|e| e.to_string())?;
    let mut fields = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(&json);
    Flatten {
        name: None,
        skip,
        out: &mut fields,
    }
    .deserialize(&mut de)
    .map_err(|e| e.to_string())?;
    Ok(fields)
}

/// Flattens one JSON value into `out` under `name` (`None` at the top).
struct Flatten<'a, 's> {
    name: Option<String>,
    /// Top-level fields to leave out (empty below the top).
    skip: &'s [&'s str],
    out: &'a mut Vec<(String, String)>,
}

impl Flatten<'_, '_> {
    fn push<E: serde::de::Error>(self, value: String) -> Result<(), E> {
        match self.name {
            Some(name) => {
                self.out.push((name, value));
                Ok(())
            }
            None => Err(E::custom(NOT_AN_OBJECT)),
        }
    }
}

const NOT_AN_OBJECT: &str = "params must be an object";

impl<'de> DeserializeSeed<'de> for Flatten<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Flatten<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.push(if v { "true" } else { "false" }.to_owned())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.push(v.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.push(v.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        // As JSON writes it (`1.0` stays `1.0`); JSON has no NaN to meet here.
        match serde_json::Number::from_f64(v) {
            Some(n) => self.push(n.to_string()),
            None => Err(E::custom(crate::json::OUT_OF_RANGE)),
        }
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.push(v.to_owned())
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<(), E> {
        self.push(v)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        // `null` (Python's `None`): the field is left out.
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some(name) = self.name else {
            return Err(A::Error::custom(NOT_AN_OBJECT));
        };
        let item = format!("{name}[]");
        let out = self.out;
        while seq
            .next_element_seed(Flatten {
                name: Some(item.clone()),
                skip: &[],
                out: &mut *out,
            })?
            .is_some()
        {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.out;
        while let Some(key) = map.next_key::<String>()? {
            if self.skip.contains(&key.as_str()) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let name = match &self.name {
                Some(parent) => format!("{parent}[{key}]"),
                None => key,
            };
            map.next_value_seed(Flatten {
                name: Some(name),
                skip: &[],
                out: &mut *out,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
        fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// Also covers tests-to-match.md case 14.4.
    #[test]
    fn case_7_3_scalars_objects_and_arrays_use_brackets_in_body_order() {
        let params = json!({
            "purpose": "fine-tune",
            "stream": false,
            "temperature": 1.0,
            "n": 3,
            "missing": null,
            "expires_after": {"anchor": "created_at", "seconds": 3600},
            "tags": ["a", null, "b"],
            "include": [],
            "metadata": {},
            "documents": [{"name": "x", "meta": {"k": 1}}, [true]]
        });
        let fields = flatten(&params).unwrap();
        // `json!` keeps no order (no `preserve_order`), so compare sorted.
        let mut got = pairs(&fields);
        got.sort();
        let mut want = vec![
            ("purpose", "fine-tune"),
            ("stream", "false"),
            ("temperature", "1.0"),
            ("n", "3"),
            ("expires_after[anchor]", "created_at"),
            ("expires_after[seconds]", "3600"),
            ("tags[]", "a"),
            ("tags[]", "b"),
            ("documents[][name]", "x"),
            ("documents[][meta][k]", "1"),
            ("documents[][]", "true"),
        ];
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn struct_fields_keep_their_order() {
        #[derive(Serialize)]
        struct Params {
            zeta: &'static str,
            alpha: Option<u8>,
            mid: Vec<i32>,
            neg: f64,
        }
        let params = Params {
            zeta: "z",
            alpha: None,
            mid: vec![-1, 2],
            neg: -0.5,
        };
        let fields = flatten(&params).unwrap();
        assert_eq!(
            pairs(&fields),
            [
                ("zeta", "z"),
                ("mid[]", "-1"),
                ("mid[]", "2"),
                ("neg", "-0.5")
            ]
        );
    }

    #[test]
    fn case_14_3_skipped_top_level_fields_are_left_out_but_not_nested_ones() {
        let params = json!({"file": "x.jsonl", "purpose": "batch", "meta": {"file": "kept"}});
        let mut got = flatten_except(&params, &["file"]).unwrap();
        got.sort();
        assert_eq!(pairs(&got), [("meta[file]", "kept"), ("purpose", "batch")]);
    }

    #[test]
    fn a_nan_or_a_non_object_is_refused() {
        #[derive(Serialize)]
        struct Params {
            temperature: f64,
        }
        let err = flatten(&Params {
            temperature: f64::NAN,
        })
        .unwrap_err();
        assert!(err.contains("Out of range float"), "{err}");
        assert!(flatten(&"text").unwrap_err().contains(NOT_AN_OBJECT));
        assert!(flatten(&[1, 2]).unwrap_err().contains(NOT_AN_OBJECT));
        assert!(flatten(&()).unwrap().is_empty(), "null: no fields");
    }
}
