//! Query strings from params types, as `reference/client.md` 9 encodes them
//! (the Python SDK's `brackets` format): `include[]=a&include[]=b`,
//! `metadata[key]=v`, `a[b][]=x`; booleans `true`/`false`; nulls, absent
//! fields, empty arrays and empty objects produce nothing. Pure functions.
//!
//! Names and values are kept raw here; the URL builder escapes them
//! (form-style) when it joins them to the path.

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, InvalidRequestError};

/// Appends every field of `params` (which must serialize as an object, or
/// as nothing) to `out`.
pub(crate) fn append<Q: Serialize + ?Sized>(
    out: &mut Vec<(String, String)>,
    params: &Q,
) -> Result<(), Error> {
    match to_value(params)? {
        Value::Object(map) => {
            for (name, value) in map {
                push(out, name, &value);
            }
            Ok(())
        }
        Value::Null => Ok(()),
        _ => Err(Error::InvalidRequest(InvalidRequestError::new(
            "query parameters must be an object",
        ))),
    }
}

/// Appends one field, `name` with `value`.
pub(crate) fn append_field<Q: Serialize + ?Sized>(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &Q,
) -> Result<(), Error> {
    let value = to_value(value)?;
    push(out, name.to_owned(), &value);
    Ok(())
}

fn to_value<Q: Serialize + ?Sized>(params: &Q) -> Result<Value, Error> {
    serde_json::to_value(params).map_err(|e| {
        Error::InvalidRequest(InvalidRequestError::new(format!(
            "the query parameters cannot be encoded: {e}"
        )))
    })
}

fn push(out: &mut Vec<(String, String)>, name: String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((name, if *b { "true" } else { "false" }.to_owned())),
        Value::Number(n) => out.push((name, n.to_string())),
        Value::String(s) => out.push((name, s.clone())),
        Value::Array(items) => {
            let key = format!("{name}[]");
            for item in items {
                push(out, key.clone(), item);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                push(out, format!("{name}[{k}]"), v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encode(v: Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        append(&mut out, &v).unwrap();
        out
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn scalars_arrays_and_objects_use_brackets() {
        let got = encode(json!({
            "limit": 20,
            "order": "desc",
            "include": ["a", null, "b"],
            "metadata": {"k": "v", "deep": {"x": [1, 2]}},
            "flag": false,
            "gone": null,
            "empty": [],
            "none": {},
            "ratio": 1.5
        }));
        let mut want = pairs(&[
            ("limit", "20"),
            ("order", "desc"),
            ("include[]", "a"),
            ("include[]", "b"),
            ("metadata[k]", "v"),
            ("metadata[deep][x][]", "1"),
            ("metadata[deep][x][]", "2"),
            ("flag", "false"),
            ("ratio", "1.5"),
        ]);
        let mut got = got;
        got.sort();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn a_single_field_and_nothing() {
        let mut out = Vec::new();
        append_field(&mut out, "include[]", &["x", "y"]).unwrap();
        assert_eq!(out, pairs(&[("include[][]", "x"), ("include[][]", "y")]));
        let mut out = Vec::new();
        append_field(&mut out, "include", &["x"]).unwrap();
        assert_eq!(out, pairs(&[("include[]", "x")]));
        let mut out = Vec::new();
        append(&mut out, &()).unwrap();
        assert!(out.is_empty());
        assert!(append(&mut out, &[1]).is_err());
    }
}
