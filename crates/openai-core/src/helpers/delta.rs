//! The generic delta merge of the Python SDK (`accumulate_delta`,
//! reference/streaming.md b.3), for the fields a typed merge does not name:
//! the extra fields of a chat delta (`reasoning_content` of compatible
//! servers, say) and tool calls of kinds other than `function`.

use openai_types::ExtraFields;
use serde_json::{Map, Value};

/// Merges the extra fields of a delta into those of the snapshot.
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
            None => {
                acc.insert(key.clone(), value.clone());
            }
            Some(existing) => merge_value(key, existing, value),
        }
    }
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
    if acc.iter().all(|v| v.is_string() || v.is_number()) {
        acc.extend(delta.iter().cloned());
        return;
    }
    for item in delta {
        // Python raises on an element without an integer `index`; the
        // element is skipped here, so one odd delta does not end a stream.
        let Some(obj) = item.as_object() else {
            continue;
        };
        let Some(index) = obj.get("index").and_then(Value::as_u64) else {
            continue;
        };
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        match acc.get_mut(index) {
            Some(Value::Object(existing)) => merge_object(existing, obj),
            Some(_) => {}
            None => acc.push(item.clone()),
        }
    }
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
}
