//! Structured outputs: a Rust type as the strict JSON schema the API fills
//! in (Python's `to_strict_json_schema`, reference/helpers.md b.3), and the
//! response formats and function tools made from it.
//!
//! The schema comes from [`schemars`] (`#[derive(JsonSchema)]`, JSON Schema
//! 2020-12) and is rewritten as Python rewrites pydantic's: every object
//! gets `additionalProperties: false` unless it says otherwise, every
//! property becomes required (an `Option` field stays nullable), `$defs`
//! are made strict, a `$ref` with other keys beside it is inlined, a single
//! `allOf` is merged, `default: null` is dropped. Three Rust-specific steps
//! come first, because schemars writes what pydantic does not and the API
//! refuses: the root's `$schema` is dropped, `oneOf` (which serde's enums
//! produce) becomes `anyOf`, and the integer and float formats (`uint32`,
//! `double`, ...) are dropped.
//!
//! Where Python sends a schema the API will refuse, this refuses it before
//! anything is sent, with a [`StrictSchemaError`] naming the field: a map
//! (an object with `additionalProperties` other than `false`), a value that
//! accepts anything (`serde_json::Value`), a root that is not an object.
//!
//! ```
//! use openai_types::schemars::JsonSchema;
//! use openai_types::structured::strict_json_schema;
//!
//! # #[allow(dead_code)]
//! #[derive(JsonSchema)]
//! #[schemars(crate = "openai_types::schemars")]
//! struct Fruit {
//!     name: String,
//!     color: Option<String>,
//! }
//!
//! let schema = strict_json_schema::<Fruit>().unwrap();
//! assert_eq!(schema["required"], serde_json::json!(["name", "color"]));
//! assert_eq!(schema["additionalProperties"], serde_json::json!(false));
//! ```

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use crate::generated::shared::{
    ChatCompletionTool, FunctionDefinition, FunctionTool, ResponseFormatJsonSchema,
    ResponseFormatJsonSchemaJsonSchema, TextResponseFormatJsonSchema,
};

/// How deep `$ref` inlining may go before the schema is taken for a loop.
const MAX_DEPTH: usize = 64;

/// A type whose schema cannot be made strict: what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrictSchemaError {
    path: String,
    reason: String,
}

impl StrictSchemaError {
    fn new(path: &str, reason: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            reason: reason.into(),
        }
    }

    /// The offending field, as `Type.field.inner[]` (`[]` for array items,
    /// `$defs.Name` inside a definition).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Why it cannot be strict.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for StrictSchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` cannot be part of a strict JSON schema: {}",
            self.path, self.reason
        )
    }
}

impl std::error::Error for StrictSchemaError {}

/// The name the API gets for `T` (`name` of the response format or tool):
/// schemars' name for it, with characters outside `[A-Za-z0-9_-]` replaced
/// by `_`, at most 64 characters.
pub fn schema_name<T: JsonSchema + ?Sized>() -> String {
    let name: String = T::schema_name()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if name.is_empty() {
        "schema".to_owned()
    } else {
        name
    }
}

/// The strict JSON schema of `T` (see the [module docs](self)).
///
/// # Errors
///
/// A [`StrictSchemaError`] naming the first field that cannot be strict.
pub fn strict_json_schema<T: JsonSchema + ?Sized>() -> Result<Map<String, Value>, StrictSchemaError>
{
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut value = schema.to_value();
    if let Value::Object(root) = &mut value {
        root.remove("$schema");
    }
    adapt_schemars(&mut value);
    let mut root = to_strict_json_schema(value, &schema_name::<T>())?;
    // The root's title is the type's name, sent as the format's name already.
    root.remove("title");
    Ok(root)
}

/// Python's `to_strict_json_schema` on a JSON schema of your own (see the
/// [module docs](self)); `root_name` names the root in errors.
///
/// # Errors
///
/// A [`StrictSchemaError`] naming the first node that is not an object, a
/// `$ref` that does not resolve, or a field that cannot be strict.
pub fn to_strict_json_schema(
    schema: Value,
    root_name: &str,
) -> Result<Map<String, Value>, StrictSchemaError> {
    let Value::Object(mut root) = schema else {
        return Err(StrictSchemaError::new(
            root_name,
            "the schema is not an object",
        ));
    };
    let original = Value::Object(root.clone());
    make_strict(&mut root, root_name, &original, 0)?;
    if root.get("type").and_then(Value::as_str) != Some("object") {
        return Err(StrictSchemaError::new(
            root_name,
            "the root of a strict schema must be an object (a struct), not a list, a number or a choice of types",
        ));
    }
    check_strict(&Value::Object(root.clone()), root_name)?;
    Ok(root)
}

/// The Rust-specific steps: `oneOf` becomes `anyOf`; integer and float
/// formats go.
fn adapt_schemars(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if let Some(one_of) = map.remove("oneOf") {
                match map.get_mut("anyOf") {
                    Some(Value::Array(any_of)) => {
                        if let Value::Array(variants) = one_of {
                            any_of.extend(variants);
                        }
                    }
                    _ => {
                        map.insert("anyOf".to_owned(), one_of);
                    }
                }
            }
            let numeric_format = map.get("format").and_then(Value::as_str).is_some_and(|f| {
                matches!(
                    f,
                    "int"
                        | "int8"
                        | "int16"
                        | "int32"
                        | "int64"
                        | "int128"
                        | "uint"
                        | "uint8"
                        | "uint16"
                        | "uint32"
                        | "uint64"
                        | "uint128"
                        | "float"
                        | "double"
                )
            });
            if numeric_format {
                map.remove("format");
            }
            for value in map.values_mut() {
                adapt_schemars(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(adapt_schemars),
        _ => {}
    }
}

/// The procedure of reference/helpers.md b.3 on one node.
fn make_strict(
    node: &mut Map<String, Value>,
    path: &str,
    root: &Value,
    depth: usize,
) -> Result<(), StrictSchemaError> {
    if depth > MAX_DEPTH {
        return Err(StrictSchemaError::new(
            path,
            "the schema nests too deep (a `$ref` that inlines itself?)",
        ));
    }
    // 1. Definitions.
    for key in ["$defs", "definitions"] {
        if let Some(Value::Object(defs)) = node.get_mut(key) {
            for (name, def) in defs.iter_mut() {
                let def_path = format!("{key}.{name}");
                strict_child(def, &def_path, root, depth)?;
            }
        }
    }
    // 2. Objects are closed unless they say otherwise.
    if node.get("type").and_then(Value::as_str) == Some("object")
        && !node.contains_key("additionalProperties")
    {
        node.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    // 3. Every property is required, in declaration order.
    if let Some(Value::Object(properties)) = node.get_mut("properties") {
        let names: Vec<Value> = properties.keys().cloned().map(Value::String).collect();
        for (name, property) in properties.iter_mut() {
            strict_child(property, &format!("{path}.{name}"), root, depth)?;
        }
        node.insert("required".to_owned(), Value::Array(names));
    }
    // 4. Array items (the object form only).
    if let Some(items @ Value::Object(_)) = node.get_mut("items") {
        strict_child(items, &format!("{path}[]"), root, depth)?;
    }
    // 5. `anyOf` variants (`oneOf` is left alone, as in Python).
    if let Some(Value::Array(variants)) = node.get_mut("anyOf") {
        for variant in variants.iter_mut() {
            strict_child(variant, path, root, depth)?;
        }
    }
    // 6. `allOf`: one entry is merged into the node.
    if let Some(Value::Array(entries)) = node.get_mut("allOf") {
        for entry in entries.iter_mut() {
            strict_child(entry, path, root, depth)?;
        }
        if entries.len() == 1 {
            if let Some(Value::Array(mut entries)) = node.remove("allOf") {
                if let Some(Value::Object(entry)) = entries.pop() {
                    node.extend(entry);
                }
            }
        }
    }
    // 7. `default: null` goes.
    if node.get("default") == Some(&Value::Null) {
        node.remove("default");
    }
    // 8. A `$ref` with other keys beside it is inlined, then made strict.
    if node.len() > 1 {
        if let Some(Value::String(reference)) = node.get("$ref") {
            let resolved = resolve_ref(root, reference).ok_or_else(|| {
                StrictSchemaError::new(
                    path,
                    format!("`$ref` {reference} does not resolve to an object in the schema"),
                )
            })?;
            let mut merged = resolved.clone();
            node.remove("$ref");
            merged.extend(std::mem::take(node));
            make_strict(&mut merged, path, root, depth + 1)?;
            *node = merged;
        }
    }
    Ok(())
}

fn strict_child(
    value: &mut Value,
    path: &str,
    root: &Value,
    depth: usize,
) -> Result<(), StrictSchemaError> {
    match value {
        Value::Object(node) => make_strict(node, path, root, depth + 1),
        // `true` (anything) and `false` (nothing) are caught by the check.
        Value::Bool(_) => Ok(()),
        _ => Err(StrictSchemaError::new(
            path,
            "a schema node is not an object",
        )),
    }
}

/// `#/a/b` looked up key by key in `root`; every step must be an object.
fn resolve_ref<'a>(root: &'a Value, reference: &str) -> Option<&'a Map<String, Value>> {
    let pointer = reference.strip_prefix('#')?;
    if !pointer.starts_with('/') {
        return None;
    }
    let mut node = root.as_object()?;
    for segment in pointer[1..].split('/') {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        node = node.get(&segment)?.as_object()?;
    }
    Some(node)
}

/// What the API refuses in strict mode, found before sending.
fn check_strict(node: &Value, path: &str) -> Result<(), StrictSchemaError> {
    let map = match node {
        Value::Object(map) if map.is_empty() => {
            return Err(StrictSchemaError::new(
                path,
                "it accepts any JSON value (`serde_json::Value`?); give it a type",
            ));
        }
        Value::Object(map) => map,
        Value::Bool(true) => {
            return Err(StrictSchemaError::new(
                path,
                "it accepts any JSON value (`serde_json::Value`?); give it a type",
            ));
        }
        _ => return Ok(()),
    };
    match map.get("additionalProperties") {
        None | Some(Value::Bool(false)) => {}
        Some(_) if map.get("type").and_then(Value::as_str) == Some("object") => {
            return Err(StrictSchemaError::new(
                path,
                "it is a map (an object with arbitrary keys); strict schemas need named fields",
            ));
        }
        Some(_) => {}
    }
    for key in ["$defs", "definitions"] {
        if let Some(Value::Object(defs)) = map.get(key) {
            for (name, def) in defs {
                check_strict(def, &format!("{key}.{name}"))?;
            }
        }
    }
    if let Some(Value::Object(properties)) = map.get("properties") {
        for (name, property) in properties {
            check_strict(property, &format!("{path}.{name}"))?;
        }
    }
    if let Some(items) = map.get("items") {
        check_strict(items, &format!("{path}[]"))?;
    }
    for key in ["anyOf", "allOf"] {
        if let Some(Value::Array(variants)) = map.get(key) {
            for variant in variants {
                check_strict(variant, path)?;
            }
        }
    }
    Ok(())
}

/// The root's `description` (the type's doc comment), if any.
fn description(schema: &Map<String, Value>) -> Option<String> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

impl ResponseFormatJsonSchema {
    /// The chat `response_format` for replies of type `T`:
    /// `{"type": "json_schema", "json_schema": {"name", "schema", "strict": true}}`
    /// (reference/helpers.md b.3).
    ///
    /// # Errors
    ///
    /// A [`StrictSchemaError`] when `T`'s schema cannot be strict.
    pub fn for_type<T: JsonSchema + ?Sized>() -> Result<Self, StrictSchemaError> {
        let schema = strict_json_schema::<T>()?;
        let json_schema = ResponseFormatJsonSchemaJsonSchema::new(schema_name::<T>())
            .schema(schema)
            .strict(true);
        Ok(Self::new(json_schema))
    }
}

impl TextResponseFormatJsonSchema {
    /// The Responses `text.format` for replies of type `T`:
    /// `{"type": "json_schema", "name", "schema", "strict": true}`
    /// (reference/helpers.md b.3).
    ///
    /// # Errors
    ///
    /// A [`StrictSchemaError`] when `T`'s schema cannot be strict.
    pub fn for_type<T: JsonSchema + ?Sized>() -> Result<Self, StrictSchemaError> {
        let schema = strict_json_schema::<T>()?;
        Ok(Self::new(schema_name::<T>(), schema).strict(true))
    }
}

impl ChatCompletionTool {
    /// A strict chat function tool whose arguments are a `T` (Python's
    /// `pydantic_function_tool`, reference/helpers.md b.4): named `name`,
    /// described by `T`'s doc comment when it has one.
    ///
    /// # Errors
    ///
    /// A [`StrictSchemaError`] when `T`'s schema cannot be strict.
    pub fn from_type<T: JsonSchema + ?Sized>(
        name: impl Into<String>,
    ) -> Result<Self, StrictSchemaError> {
        let schema = strict_json_schema::<T>()?;
        let mut function = FunctionDefinition::new(name).strict(true);
        if let Some(description) = description(&schema) {
            function = function.description(description);
        }
        Ok(Self::new(function.parameters(schema)))
    }
}

impl FunctionTool {
    /// A strict Responses function tool whose arguments are a `T` (Python's
    /// `pydantic_function_tool` converted for `responses.parse`): named
    /// `name`, described by `T`'s doc comment when it has one.
    ///
    /// # Errors
    ///
    /// A [`StrictSchemaError`] when `T`'s schema cannot be strict.
    pub fn from_type<T: JsonSchema + ?Sized>(
        name: impl Into<String>,
    ) -> Result<Self, StrictSchemaError> {
        let schema = strict_json_schema::<T>()?;
        let mut tool = Self::new(name).strict(true);
        if let Some(description) = description(&schema) {
            tool = tool.description(description);
        }
        let parameters: BTreeMap<String, Value> = schema.into_iter().collect();
        Ok(tool.parameters(parameters))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strict(value: Value) -> Result<Value, StrictSchemaError> {
        to_strict_json_schema(value, "Root").map(Value::Object)
    }

    #[test]
    fn objects_close_and_every_property_is_required() {
        let schema = strict(json!({
            "type": "object",
            "properties": {
                "a": {"type": "string", "default": null},
                "b": {"anyOf": [{"type": "object", "properties": {"c": {"type": "integer"}}}, {"type": "null"}]},
                "d": {"type": "array", "items": {"type": "object", "properties": {"e": {"type": "string"}}}},
            },
            "required": ["a"],
        }))
        .unwrap();
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {
                    "a": {"type": "string"},
                    "b": {"anyOf": [
                        {"type": "object", "properties": {"c": {"type": "integer"}},
                         "additionalProperties": false, "required": ["c"]},
                        {"type": "null"}
                    ]},
                    "d": {"type": "array", "items": {"type": "object",
                        "properties": {"e": {"type": "string"}},
                        "additionalProperties": false, "required": ["e"]}},
                },
                "required": ["a", "b", "d"],
                "additionalProperties": false,
            })
        );
    }

    #[test]
    fn a_ref_with_a_description_is_inlined_and_defs_stay_strict() {
        // The pydantic example of helpers.md b.3: an enum with a description.
        let schema = strict(json!({
            "type": "object",
            "properties": {
                "color": {"$ref": "#/$defs/Color", "description": "The color"},
                "other": {"$ref": "#/$defs/Star"},
            },
            "$defs": {
                "Color": {"enum": ["red", "blue"], "title": "Color", "type": "string"},
                "Star": {"type": "object", "properties": {"name": {"type": "string"}}},
            },
        }))
        .unwrap();
        assert_eq!(
            schema["properties"]["color"],
            json!({"description": "The color", "enum": ["red", "blue"], "title": "Color", "type": "string"})
        );
        assert_eq!(
            schema["properties"]["other"],
            json!({"$ref": "#/$defs/Star"})
        );
        assert_eq!(schema["$defs"]["Star"]["required"], json!(["name"]));
        assert_eq!(
            schema["$defs"]["Star"]["additionalProperties"],
            json!(false)
        );
    }

    #[test]
    fn a_single_all_of_is_merged() {
        let schema = strict(json!({
            "type": "object",
            "properties": {"p": {"allOf": [{"type": "object", "properties": {"x": {"type": "string"}}}], "description": "d"}},
        }))
        .unwrap();
        assert_eq!(
            schema["properties"]["p"],
            json!({"description": "d", "type": "object", "properties": {"x": {"type": "string"}},
                   "additionalProperties": false, "required": ["x"]})
        );
    }

    #[test]
    fn what_the_api_refuses_is_an_error_naming_the_field() {
        let map = strict(json!({
            "type": "object",
            "properties": {"tags": {"type": "object", "additionalProperties": {"type": "string"}}},
        }))
        .unwrap_err();
        assert_eq!(map.path(), "Root.tags");
        assert!(map.reason().contains("map"), "{map}");

        let any = strict(json!({
            "type": "object",
            "properties": {"list": {"type": "array", "items": true}},
        }))
        .unwrap_err();
        assert_eq!(any.path(), "Root.list[]");

        let root = strict(json!({"type": "array", "items": {"type": "string"}})).unwrap_err();
        assert_eq!(root.path(), "Root");

        let dangling = strict(json!({
            "type": "object",
            "properties": {"x": {"$ref": "#/$defs/Missing", "description": "d"}},
        }))
        .unwrap_err();
        assert_eq!(dangling.path(), "Root.x");
        assert!(dangling.to_string().contains("#/$defs/Missing"));

        let not_object = strict(json!({"type": "object", "properties": {"x": 3}})).unwrap_err();
        assert_eq!(not_object.path(), "Root.x");
    }

    #[test]
    fn a_ref_that_inlines_itself_is_an_error_not_a_stack_overflow() {
        let err = strict(json!({
            "type": "object",
            "properties": {"x": {"$ref": "#/$defs/L", "description": "d"}},
            "$defs": {"L": {"type": "object", "properties": {"next": {"$ref": "#/$defs/L", "description": "again"}}}},
        }))
        .unwrap_err();
        assert!(err.reason().contains("too deep"), "{err}");
    }

    #[allow(dead_code, reason = "only the schema is looked at")]
    #[derive(JsonSchema)]
    #[schemars(crate = "schemars")]
    /// A galaxy far away.
    struct Galaxy {
        name: String,
        /// How many stars.
        stars: u32,
        largest: Option<Star>,
        kind: Kind,
        shape: Shape,
        mass: f64,
    }

    #[allow(dead_code, reason = "only the schema is looked at")]
    #[derive(JsonSchema)]
    #[schemars(crate = "schemars")]
    struct Star {
        name: String,
        #[serde(default)]
        age: Option<u64>,
    }

    #[allow(dead_code, reason = "only the schema is looked at")]
    #[derive(JsonSchema)]
    #[schemars(crate = "schemars")]
    enum Kind {
        Spiral,
        Elliptical,
    }

    #[allow(dead_code, reason = "only the schema is looked at")]
    #[derive(JsonSchema)]
    #[schemars(crate = "schemars")]
    #[serde(tag = "type")]
    enum Shape {
        Disc { radius: f64 },
        Ring { inner: f64, outer: f64 },
    }

    #[test]
    fn a_rust_type_becomes_a_strict_schema() {
        let schema = Value::Object(strict_json_schema::<Galaxy>().unwrap());
        assert!(schema.get("$schema").is_none());
        assert!(schema.get("title").is_none());
        assert_eq!(schema["description"], json!("A galaxy far away."));
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(
            schema["required"],
            json!(["name", "stars", "largest", "kind", "shape", "mass"])
        );
        // No integer or float formats; the documented field keeps its text.
        assert!(schema["properties"]["stars"].get("format").is_none());
        assert!(schema["properties"]["mass"].get("format").is_none());
        assert_eq!(
            schema["properties"]["stars"]["description"],
            json!("How many stars.")
        );
        // Nested types are strict too, an `Option` stays nullable.
        let star = &schema["$defs"]["Star"];
        assert_eq!(star["required"], json!(["name", "age"]));
        assert_eq!(star["additionalProperties"], json!(false));
        assert_eq!(
            star["properties"]["age"]["type"],
            json!(["integer", "null"])
        );
        // Tagged enums are a choice (`anyOf`), each variant closed.
        let text = schema.to_string();
        assert!(!text.contains("oneOf"), "{text}");
        let shape = &schema["$defs"]["Shape"]["anyOf"];
        assert_eq!(shape.as_array().unwrap().len(), 2);
        for variant in shape.as_array().unwrap() {
            assert_eq!(variant["additionalProperties"], json!(false));
        }
        assert_eq!(schema_name::<Galaxy>(), "Galaxy");
    }

    #[allow(dead_code, reason = "only the schema is looked at")]
    #[derive(JsonSchema)]
    #[schemars(crate = "schemars")]
    struct Loose {
        labels: std::collections::HashMap<String, String>,
    }

    #[test]
    fn a_rust_map_is_refused_by_name() {
        let err = strict_json_schema::<Loose>().unwrap_err();
        assert_eq!(err.path(), "Loose.labels");
    }

    #[test]
    fn tools_and_formats_carry_name_schema_and_strict() {
        let format =
            serde_json::to_value(ResponseFormatJsonSchema::for_type::<Star>().unwrap()).unwrap();
        assert_eq!(format["type"], json!("json_schema"));
        assert_eq!(format["json_schema"]["name"], json!("Star"));
        assert_eq!(format["json_schema"]["strict"], json!(true));
        assert_eq!(
            format["json_schema"]["schema"]["required"],
            json!(["name", "age"])
        );

        let text = serde_json::to_value(TextResponseFormatJsonSchema::for_type::<Star>().unwrap())
            .unwrap();
        assert_eq!(
            (
                text["type"].clone(),
                text["name"].clone(),
                text["strict"].clone()
            ),
            (json!("json_schema"), json!("Star"), json!(true))
        );

        let tool =
            serde_json::to_value(ChatCompletionTool::from_type::<Galaxy>("find").unwrap()).unwrap();
        assert_eq!(tool["type"], json!("function"));
        assert_eq!(tool["function"]["name"], json!("find"));
        assert_eq!(tool["function"]["strict"], json!(true));
        assert_eq!(tool["function"]["description"], json!("A galaxy far away."));
        assert_eq!(tool["function"]["parameters"]["type"], json!("object"));

        let tool = serde_json::to_value(FunctionTool::from_type::<Star>("star").unwrap()).unwrap();
        assert_eq!(
            (
                tool["type"].clone(),
                tool["name"].clone(),
                tool["strict"].clone()
            ),
            (json!("function"), json!("star"), json!(true))
        );
        assert!(tool.get("description").is_none());
        assert_eq!(tool["parameters"]["required"], json!(["name", "age"]));
    }
}
