//! The hand-written conversions of embeddings inputs: lists of `&str`, as
//! arrays, slices or vectors, without naming `String`.
//!
//! ```
//! use openai_types::EmbeddingCreateParams;
//!
//! let params = EmbeddingCreateParams::new("text-embedding-3-small", ["first", "second"]);
//! let json = serde_json::to_value(&params).unwrap();
//! assert_eq!(json["input"], serde_json::json!(["first", "second"]));
//! ```

use crate::generated::embeddings::EmbeddingCreateParamsInput;

impl From<Vec<&str>> for EmbeddingCreateParamsInput {
    fn from(value: Vec<&str>) -> Self {
        Self::Array(value.into_iter().map(str::to_owned).collect())
    }
}

impl From<&[&str]> for EmbeddingCreateParamsInput {
    fn from(value: &[&str]) -> Self {
        Self::Array(value.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl<const N: usize> From<[&str; N]> for EmbeddingCreateParamsInput {
    fn from(value: [&str; N]) -> Self {
        Self::Array(value.into_iter().map(str::to_owned).collect())
    }
}

impl<const N: usize> From<[String; N]> for EmbeddingCreateParamsInput {
    fn from(value: [String; N]) -> Self {
        Self::Array(value.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_of_str_is_an_array_input() {
        let want = EmbeddingCreateParamsInput::Array(vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(EmbeddingCreateParamsInput::from(vec!["a", "b"]), want);
        assert_eq!(EmbeddingCreateParamsInput::from(&["a", "b"][..]), want);
        assert_eq!(EmbeddingCreateParamsInput::from(["a", "b"]), want);
        assert_eq!(
            EmbeddingCreateParamsInput::from(["a".to_owned(), "b".to_owned()]),
            want
        );
    }
}
