//! The generic delta merge of the Python SDK (`accumulate_delta`,
//! reference/streaming.md b.3), for the fields a typed merge does not name:
//! the extra fields of a chat delta (`reasoning_content` of compatible
//! servers, say), tool calls of kinds other than `function`, and the
//! Assistants run steps and message parts of reference/streaming.md (d).

#[cfg(feature = "chat")]
use openai_types::ExtraFields;
use serde_json::{Map, Value};

/// Merges the extra fields of a delta into those of the snapshot.
#[cfg(feature = "chat")]
pub(crate) fn merge_extra(acc: &mut ExtraFields, delta: &ExtraFields) {
    for (key, value) in delta.iter() {
        match acc.remove(key) {
            None => {
                acc.insert(key, value.clone());
            }
            Some(mut existing) => {
                merge_value(key, &mut existing, value);
                acc.insert(key, existing);
            }
        }
    }
}

/// Merges the object `delta` into the object `acc`, key by key.
pub(crate) fn merge_object(acc: &mut Map<String, Value>, delta: &Map<String, Value>) {
    for (key, value) in delta {
        match acc.get_mut(key) {
            // 1. A new key is taken as it is, but a list of indexed objects
            // is merged into an empty list, so that entries repeating an
            // index within the first delta are merged.
            None if is_indexed_list(value) => {
                let mut list = Vec::new();
                if let Value::Array(items) = value {
                    merge_array(&mut list, items);
                }
                acc.insert(key.clone(), Value::Array(list));
            }
            None => {
                acc.insert(key.clone(), value.clone());
            }
            Some(existing) => merge_value(key, existing, value),
        }
    }
}

/// A non-empty list whose first entry is an object with an `index`.
fn is_indexed_list(value: &Value) -> bool {
    value
        .as_array()
        .and_then(|items| items.first())
        .and_then(Value::as_object)
        .is_some_and(|first| first.contains_key("index"))
}

/// The rules 2 to 8 of `accumulate_delta` for the key `key`, present in
/// both.
fn merge_value(key: &str, acc: &mut Value, delta: &Value) {
    match (&mut *acc, delta) {
        // 2. null is replaced; 3. `index` and `type` are replaced.
        (Value::Null, _) => *acc = delta.clone(),
        _ if key == "index" || key == "type" => *acc = delta.clone(),
        // 4. strings are concatenated.
        (Value::String(a), Value::String(d)) => a.push_str(d),
        // 5. numbers are added (a quirk of the Python SDK).
        (Value::Number(a), Value::Number(d)) => {
            let sum = match (a.as_i64(), d.as_i64()) {
                (Some(a), Some(d)) => a.checked_add(d).map(Value::from),
                _ => None,
            };
            let sum = sum.unwrap_or_else(|| {
                let total = a.as_f64().unwrap_or(0.0) + d.as_f64().unwrap_or(0.0);
                serde_json::Number::from_f64(total).map_or(Value::Null, Value::Number)
            });
            *acc = sum;
        }
        // 6. objects are merged.
        (Value::Object(a), Value::Object(d)) => merge_object(a, d),
        // 7. arrays: scalars are appended, objects merged by their `index`.
        (Value::Array(a), Value::Array(d)) => merge_array(a, d),
        // 8. anything else keeps the existing value.
        _ => {}
    }
}

fn merge_array(acc: &mut Vec<Value>, delta: &[Value]) {
    if !acc.is_empty() && acc.iter().all(|v| v.is_string() || v.is_number()) {
        acc.extend(delta.iter().cloned());
        return;
    }
    for item in delta {
        // Python raises on an element without an integer `index`; the
        // element is skipped here, so one odd delta does not end a stream.
        let Some(obj) = item.as_object() else {
            continue;
        };
        let Some(index) = obj.get("index").and_then(Value::as_i64) else {
            continue;
        };
        // The entry with the same `index` field, wherever it sits in the
        // list (indexes may repeat or come out of order).
        let existing = acc.iter_mut().find_map(|entry| match entry {
            Value::Object(entry) if entry.get("index").and_then(Value::as_i64) == Some(index) => {
                Some(entry)
            }
            _ => None,
        });
        match existing {
            Some(existing) => merge_object(existing, obj),
            None => acc.push(item.clone()),
        }
    }
}

/// The position of the entry of `list` whose `index` field is `index`.
#[cfg(feature = "threads")]
pub(crate) fn position_of_index(list: &[Value], index: i64) -> Option<usize> {
    list.iter()
        .position(|entry| entry.get("index").and_then(Value::as_i64) == Some(index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(acc: Value, delta: Value) -> Value {
        let (Value::Object(mut acc), Value::Object(delta)) = (acc, delta) else {
            panic!("objects expected");
        };
        merge_object(&mut acc, &delta);
        Value::Object(acc)
    }

    #[test]
    fn strings_concatenate_and_index_replaces() {
        assert_eq!(
            merged(
                json!({"a": "x", "index": 1, "type": "t", "n": null}),
                json!({"a": "y", "index": 1, "type": "u", "n": "z", "new": [1]})
            ),
            json!({"a": "xy", "index": 1, "type": "u", "n": "z", "new": [1]})
        );
    }

    #[test]
    fn numbers_add_and_mismatches_keep() {
        assert_eq!(
            merged(
                json!({"i": 1, "f": 0.5, "s": "x", "o": {"k": "a"}}),
                json!({"i": 2, "f": 1, "s": null, "o": {"k": "b"}})
            ),
            json!({"i": 3, "f": 1.5, "s": "x", "o": {"k": "ab"}})
        );
    }

    #[test]
    fn arrays_append_scalars_and_merge_objects_by_index() {
        assert_eq!(
            merged(json!({"l": [1, "a"]}), json!({"l": [2]})),
            json!({"l": [1, "a", 2]})
        );
        assert_eq!(
            merged(
                json!({"l": [{"index": 0, "x": "a"}]}),
                json!({"l": [{"index": 0, "x": "b"}, {"index": 1, "x": "c"}, 3]})
            ),
            json!({"l": [{"index": 0, "x": "ab"}, {"index": 1, "x": "c"}]})
        );
    }

    #[test]
    fn indexed_entries_merge_by_their_index_field() {
        // Out of order: the entry with index 3 sits first.
        assert_eq!(
            merged(
                json!({"l": [{"index": 3, "x": "a"}, {"index": 0, "x": "b"}]}),
                json!({"l": [{"index": 0, "x": "c"}, {"index": 3, "x": "d"}]})
            ),
            json!({"l": [{"index": 3, "x": "ad"}, {"index": 0, "x": "bc"}]})
        );
        // A new list whose first delta repeats an index.
        assert_eq!(
            merged(
                json!({}),
                json!({"l": [{"index": 0, "x": "a"}, {"index": 0, "x": "b"}]})
            ),
            json!({"l": [{"index": 0, "x": "ab"}]})
        );
        // An empty list takes indexed objects by merging, not appending.
        assert_eq!(
            merged(
                json!({"l": []}),
                json!({"l": [{"index": 1, "x": "a"}, {"index": 1, "x": "b"}]})
            ),
            json!({"l": [{"index": 1, "x": "ab"}]})
        );
    }
}
