//! Naming: the checked-in tables (`renames.tsv`, `operations.tsv`), case conversion and the
//! rules for inline schemas and resource groups.
//!
//! # Naming rule for inline schemas
//!
//! An inline schema is named after the Rust name of the type that holds it:
//! * a property `p` of `Owner`: `Owner` + `P` (PascalCase of `p`);
//! * the item schema of an array property `ps`: `Owner` + the singular of `Ps`
//!   (`choices` -> `Choice`, `tool_calls` -> `ToolCall`), or `Owner` + `P` + `Item` when no
//!   singular is found;
//! * a member of a union `Owner`: `Owner` + its `title` or tag value in PascalCase, else
//!   `Owner` + `Variant` + its position;
//! * a request body or the query parameters of an operation: `<Resource><Method>Params`.
//!
//! A name already taken gets the suffix `2`, `3`, ...; components are named first, then
//! inline schemas in spec order of sorted component names, so the result is deterministic.

use std::collections::BTreeMap;
use std::path::Path;

/// The checked-in tables.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    /// Spec schema name -> Rust name.
    pub(crate) renames: BTreeMap<String, String>,
    /// operationId -> Python method rows (one operation can have two).
    pub(crate) operations: BTreeMap<String, Vec<OpRow>>,
    /// operationIds in table order (params names are given first-come).
    pub(crate) operation_order: Vec<String>,
    /// (Rust type, JSON field) of optional object fields kept inline.
    pub(crate) inline: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct OpRow {
    pub(crate) resource: String,
    pub(crate) method: String,
    pub(crate) pagination: String,
    pub(crate) deprecated: bool,
}

impl Tables {
    pub(crate) fn load(dir: &Path) -> Result<Self, String> {
        let mut t = Self::default();
        for row in rows(&dir.join("renames.tsv"))? {
            if let [from, to] = row.as_slice() {
                t.renames.insert(from.clone(), to.clone());
            } else {
                return Err(format!("renames.tsv: bad row {row:?}"));
            }
        }
        for row in rows(&dir.join("inline.tsv"))? {
            if let [ty, field] = row.as_slice() {
                t.inline.push((ty.clone(), field.clone()));
            } else {
                return Err(format!("inline.tsv: bad row {row:?}"));
            }
        }
        for row in rows(&dir.join("operations.tsv"))? {
            if row.len() < 4 {
                return Err(format!("operations.tsv: bad row {row:?}"));
            }
            let op = OpRow {
                resource: row[1].clone(),
                method: row[2].clone(),
                pagination: row[3].clone(),
                deprecated: row.get(7).is_some_and(|d| d == "deprecated"),
            };
            if !t.operations.contains_key(&row[0]) {
                t.operation_order.push(row[0].clone());
            }
            t.operations.entry(row[0].clone()).or_default().push(op);
        }
        Ok(t)
    }
}

fn rows(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect())
}

/// `PascalCase` of any spec string (`response.output_text.delta` -> `ResponseOutputTextDelta`).
pub(crate) fn pascal(s: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else if c.is_ascii_uppercase() && !prev_lower {
                // Keep acronyms readable: `URL` -> `Url`.
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
            upper = false;
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            upper = true;
            prev_lower = false;
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// `snake_case` of a property name, as a valid (possibly raw) identifier.
pub(crate) fn snake(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = true;
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let mut out = out.trim_end_matches('_').to_owned();
    if out.is_empty() {
        out.push_str("value");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if out == "self" || out == "Self" || out == "crate" || out == "super" {
        out.push('_');
    } else if KEYWORDS.contains(&out.as_str()) {
        out.insert_str(0, "r#");
    }
    out
}

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// The singular of a plural property name, if it has an obvious one.
pub(crate) fn singular(s: &str) -> Option<String> {
    if let Some(stem) = s.strip_suffix("ies") {
        return Some(format!("{stem}y"));
    }
    for suffix in ["sses", "shes", "ches", "xes"] {
        if s.ends_with(suffix) {
            return Some(s[..s.len() - 2].to_owned());
        }
    }
    if s.ends_with('s') && !s.ends_with("ss") && !s.ends_with("us") && !s.ends_with("is") {
        return Some(s[..s.len() - 1].to_owned());
    }
    None
}

/// The resource group (module) of an operation, from its path.
pub(crate) fn group_of_path(path: &str) -> String {
    if path.contains("?beta=true") {
        return "beta_responses".to_owned();
    }
    let first = path
        .trim_start_matches('/')
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    match first {
        "organization" | "projects" => "admin".to_owned(),
        "content_provenance_checks" => "content_provenance".to_owned(),
        other => other.to_owned(),
    }
}

/// The group of a schema no operation reaches (stream and WebSocket events), by name.
pub(crate) fn group_of_unreached(spec_name: &str) -> Option<&'static str> {
    const PREFIXES: &[(&str, &str)] = &[
        ("BetaRealtime", "realtime"),
        ("Beta", "beta_responses"),
        ("Realtime", "realtime"),
        ("Responses", "responses"),
        ("Response", "responses"),
        ("AssistantStream", "threads"),
        ("ThreadStream", "threads"),
        ("RunStream", "threads"),
        ("RunStep", "threads"),
        ("MessageStream", "threads"),
        ("MessageDelta", "threads"),
        ("ChatCompletion", "chat"),
        ("Conversation", "conversations"),
        ("DeletedConversation", "conversations"),
        ("Webhook", "webhooks"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| spec_name.starts_with(p))
        .map(|(_, g)| *g)
}

/// `<Resource>` of `<Resource><Method>Params` for a Python resource path, most specific first.
pub(crate) fn params_resource_candidates(resource: &str) -> Vec<String> {
    if resource == "chat.completions" {
        return vec!["ChatCompletion".to_owned()];
    }
    let segs: Vec<&str> = resource
        .split('.')
        .filter(|s| *s != "beta" && *s != "admin")
        .collect();
    let sing = |s: &str| pascal(&singular(s).unwrap_or_else(|| s.to_owned()));
    // `beta.responses` mirrors `responses`; its types are the `Beta*` twins.
    let prefix = if resource.starts_with("beta.responses") {
        "Beta"
    } else {
        ""
    };
    let mut out = Vec::new();
    let mut name = String::new();
    for seg in segs.iter().rev() {
        name = format!("{}{name}", sing(seg));
        out.push(format!("{prefix}{name}"));
    }
    out
}
