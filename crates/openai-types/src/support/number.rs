//! Writing `number` fields the way the server writes them.
//!
//! The spec types many fields as `number` that the API sends as integers
//! (`Response.created_at: 1741476542`). They are `f64` in Rust, and serde writes an `f64`
//! as a float (`1741476542.0`), so a parse and re-serialize would change the JSON. The
//! generated code serializes every field whose type holds a `number` through [`Num`],
//! which writes an integral, finite value within ±2^53 (where every integer is exact in
//! an `f64`) as an integer, and any other value as a float: `0.5` stays `0.5`, and so do
//! `-0.0`, `1e300` (`1e+300`) and the non-finite values serde rejects or maps.
//!
//! Why not a `Number` newtype that remembers how the value was written: it would put a
//! wrapper type in every `number` field of the public API (`created_at.get()` instead of
//! `created_at`) and make parsing keep a flag. This costs nothing on parse and one
//! comparison per number on write. The price: a value the server wrote as `1.0` comes
//! back as `1`, which is the same JSON number.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{ExtraFields, Nullable};

/// The largest integer up to which every integer is exact in an `f64` (2^53).
const EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// A value that holds JSON numbers typed `number`: an `f64`, or a container of them.
pub(crate) trait WireNumber {
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

/// Serializes the borrowed value with the integer rule of the module docs.
pub(crate) struct Num<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: WireNumber + ?Sized> Serialize for Num<'_, T> {
    #[inline]
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_number(s)
    }
}

// ===== impl WireNumber =====

impl WireNumber for f64 {
    #[inline]
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = *self;
        // `fract` of an infinity is NaN, so non-finite values fail the first test.
        if v.fract() == 0.0 && v.abs() <= EXACT_INT && !(v == 0.0 && v.is_sign_negative()) {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "an integral value within ±2^53 fits an i64 exactly"
            )]
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

impl<T: WireNumber + ?Sized> WireNumber for Box<T> {
    #[inline]
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize_number(s)
    }
}

impl<T: WireNumber> WireNumber for Vec<T> {
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Num))
    }
}

impl<T: WireNumber> WireNumber for BTreeMap<String, T> {
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, v)| (k, Num(v))))
    }
}

// ===== field writers =====

/// [`ser_required`](super::ser_required) for a field holding numbers.
#[inline]
pub(crate) fn ser_required_number<M: SerializeMap, T: WireNumber + PartialEq + Default>(
    map: &mut M,
    extra: &ExtraFields,
    name: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    match extra.mark(name) {
        Some(null) if *value == T::default() => {
            if null {
                map.serialize_entry(name, &())?;
            }
            Ok(())
        }
        _ => map.serialize_entry(name, &Num(value)),
    }
}

/// [`ser_optional`](super::ser_optional) for a field holding numbers.
#[inline]
pub(crate) fn ser_optional_number<M: SerializeMap, T: WireNumber>(
    map: &mut M,
    name: &'static str,
    value: &Nullable<T>,
) -> Result<(), M::Error> {
    match value {
        Nullable::Absent => Ok(()),
        Nullable::Null => map.serialize_entry(name, &()),
        Nullable::Value(v) => map.serialize_entry(name, &Num(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: WireNumber + ?Sized>(v: &T) -> String {
        serde_json::to_string(&Num(v)).unwrap()
    }

    #[test]
    fn integral_values_are_written_as_integers() {
        assert_eq!(json(&1_741_476_542.0), "1741476542");
        assert_eq!(json(&0.0), "0");
        assert_eq!(json(&-3.0), "-3");
        assert_eq!(json(&EXACT_INT), "9007199254740992");
        assert_eq!(json(&-EXACT_INT), "-9007199254740992");
    }

    #[test]
    fn other_values_stay_floats() {
        assert_eq!(json(&0.5), "0.5");
        assert_eq!(json(&-0.0), "-0.0");
        assert_eq!(json(&1e300), "1e+300");
        assert_eq!(json(&(EXACT_INT * 2.0)), "1.8014398509481984e+16");
        assert_eq!(json(&f64::NAN), "null");
        assert_eq!(json(&f64::INFINITY), "null");
    }

    #[test]
    fn containers_apply_the_rule_to_each_number() {
        assert_eq!(json(&vec![1.0, 0.25]), "[1,0.25]");
        assert_eq!(json(&Box::new(2.0)), "2");
        let map = BTreeMap::from([("a".to_owned(), vec![3.0])]);
        assert_eq!(json(&map), r#"{"a":[3]}"#);
    }
}
