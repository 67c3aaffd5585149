//! Loading the OpenAPI document and reading its YAML tree.

use yaml_rust2::{Yaml, YamlLoader};

/// Parses the spec text into its YAML tree (mapping order preserved).
pub(crate) fn load(text: &str) -> Result<Yaml, String> {
    let mut docs = YamlLoader::load_from_str(text).map_err(|e| format!("parsing spec: {e}"))?;
    if docs.is_empty() {
        return Err("empty spec".to_owned());
    }
    Ok(docs.swap_remove(0))
}

/// Small accessors over a YAML node, returning `None` for missing keys.
pub(crate) trait Node {
    fn get(&self, key: &str) -> Option<&Yaml>;
    fn str_of(&self, key: &str) -> Option<&str>;
    fn bool_of(&self, key: &str) -> bool;
    fn list(&self, key: &str) -> &[Yaml];
    fn entries(&self) -> Vec<(String, &Yaml)>;
}

impl Node for Yaml {
    fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Hash(h) => h.get(&Yaml::String(key.to_owned())),
            _ => None,
        }
    }

    fn str_of(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Yaml::as_str)
    }

    fn bool_of(&self, key: &str) -> bool {
        self.get(key).and_then(Yaml::as_bool).unwrap_or(false)
    }

    fn list(&self, key: &str) -> &[Yaml] {
        match self.get(key) {
            Some(Yaml::Array(a)) => a,
            _ => &[],
        }
    }

    fn entries(&self) -> Vec<(String, &Yaml)> {
        match self {
            Yaml::Hash(h) => h.iter().map(|(k, v)| (scalar_string(k), v)).collect(),
            _ => Vec::new(),
        }
    }
}

/// A scalar as text (keys such as `200` may be integers in YAML).
pub(crate) fn scalar_string(y: &Yaml) -> String {
    match y {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        Yaml::Null => "null".to_owned(),
        _ => String::new(),
    }
}
