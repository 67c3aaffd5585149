//! The round-trip tests of the spec's examples (`generated/tests.rs`): every operation's
//! response example, every JSON body of a curl request example, every schema example.
//! Each test parses the JSON into the generated type (from text and from a `Value`) and
//! checks that serializing gives back the same JSON value.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use yaml_rust2::Yaml;

use crate::emit::{HEADER, feature_of};
use crate::ir::{Api, BodyKind, Ty, TypeId};
use crate::spec::Node;

pub(crate) fn emit_tests(doc: &Yaml, api: &Api, skips: &BTreeMap<String, String>) -> String {
    let mut tests: Vec<(String, TypeId, String)> = Vec::new();
    let ops: BTreeMap<&str, &crate::ir::Operation> =
        api.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    if let Some(paths) = doc.get("paths") {
        for (_, item) in paths.entries() {
            for (_, op) in item.entries() {
                let Some(meta) = op.get("x-oaiMeta") else {
                    continue;
                };
                let id = op.str_of("operationId").unwrap_or_default();
                let Some(o) = ops.get(id) else { continue };
                let examples: Vec<&Yaml> = match meta.get("examples") {
                    Some(Yaml::Array(a)) => a.iter().collect(),
                    Some(h @ Yaml::Hash(_)) => vec![h],
                    _ => Vec::new(),
                };
                let response_ty = o
                    .responses
                    .iter()
                    .find(|b| b.kind == BodyKind::Json)
                    .and_then(|b| named(b.ty.as_ref()));
                let request_ty = o
                    .request_bodies
                    .iter()
                    .find(|b| b.kind == BodyKind::Json)
                    .and_then(|b| named(b.ty.as_ref()));
                for (i, ex) in examples.iter().enumerate() {
                    if let (Some(t), Some(json)) =
                        (response_ty, ex.str_of("response").and_then(json_text))
                    {
                        tests.push((
                            format!("{}_response_{}", crate::names::snake(id), i + 1),
                            t,
                            json,
                        ));
                    }
                    let curl = ex
                        .get("request")
                        .and_then(|r| r.str_of("curl"))
                        .unwrap_or_default();
                    if let (Some(t), Some(json)) = (request_ty, curl_body(curl)) {
                        tests.push((
                            format!("{}_request_{}", crate::names::snake(id), i + 1),
                            t,
                            json,
                        ));
                    }
                }
            }
        }
    }
    for (id, t) in api.types.iter().enumerate() {
        let Some(spec_name) = &t.spec_name else {
            continue;
        };
        let example = doc
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(spec_name))
            .and_then(|s| s.get("x-oaiMeta"))
            .and_then(|m| m.str_of("example"))
            .and_then(json_text);
        if let Some(json) = example {
            tests.push((
                format!("schema_{}", crate::names::snake(spec_name)),
                id,
                json,
            ));
        }
    }
    let lossless = lossless_tests(api, &tests, skips);
    // The event unions with `FromJsonSlice`, by the types of their variants (and themselves):
    // an example of one is also decoded through the tag scan.
    let mut slice_unions: BTreeMap<TypeId, Vec<(TypeId, String)>> = BTreeMap::new();
    for (id, t) in api.types.iter().enumerate() {
        if let (crate::ir::TypeKind::Union(u), true) = (&t.kind, crate::emit::decodes_from_slice(t))
        {
            let tag = u.tag.clone().unwrap_or_default();
            slice_unions.entry(id).or_default().push((id, tag.clone()));
            for variant in &u.variants {
                if let (crate::ir::Payload::Ty(Ty::Named(payload)), false) =
                    (&variant.payload, variant.tags.is_empty())
                {
                    slice_unions
                        .entry(*payload)
                        .or_default()
                        .push((id, tag.clone()));
                }
            }
        }
    }
    let mut out = String::from(HEADER);
    out.push_str("//! Round trips of the spec's examples: parse into the generated type, serialize, compare.\n\n");
    out.push_str(
        "#![allow(deprecated, reason = \"examples of deprecated schemas are tested too\")]\n\n",
    );
    out.push_str(
        "use crate::support::testing::{lossless, round_trip, same_from_slice, same_from_str};\n\n",
    );
    let mut seen = BTreeMap::new();
    for (name, ty, json) in tests {
        let t = &api.types[ty];
        let n = seen.entry(name.clone()).or_insert(0);
        *n += 1;
        let name = if *n > 1 { format!("{name}_{n}") } else { name };
        let name = name.replace("r#", "");
        if let Some(f) = feature_of(&t.module) {
            writeln!(out, "#[cfg(feature = \"{f}\")]").ok();
        }
        if let Some(reason) = skips.get(&name) {
            writeln!(out, "#[ignore = {reason:?}]").ok();
        }
        let hashes = "#".repeat(max_hash_run(&json) + 1);
        let literal = format!("r{hashes}\"{json}\"{hashes}");
        let mut checks = String::new();
        for (union, tag) in slice_unions.get(&ty).into_iter().flatten() {
            let u = &api.types[*union];
            // A union of another module may sit behind another feature.
            let cfg = match (feature_of(&u.module), u.module != t.module) {
                (Some(f), true) => format!("    #[cfg(feature = \"{f}\")]\n"),
                _ => String::new(),
            };
            // The streaming client's decoder too, for the unions that arrive over HTTP.
            let checkers: &[&str] = if u.output {
                &["same_from_slice", "same_from_str"]
            } else {
                &["same_from_slice"]
            };
            for check in checkers {
                writeln!(
                    checks,
                    "{cfg}    {check}::<crate::generated::{}::{}>(json, {tag:?});",
                    u.module, u.name
                )
                .ok();
            }
        }
        let ty = format!("crate::generated::{}::{}", t.module, t.name);
        if checks.is_empty() {
            writeln!(
                out,
                "#[test]\nfn {name}() {{\n    round_trip::<{ty}>({literal});\n}}\n"
            )
            .ok();
        } else {
            writeln!(
                out,
                "#[test]\nfn {name}() {{\n    let json = {literal};\n    round_trip::<{ty}>(json);\n{checks}}}\n"
            )
            .ok();
        }
    }
    out.push_str(&lossless);
    out
}

/// A property test per top-level response struct: extra fields and unknown enum values
/// survive a round trip. The base object is the type's first example, else `{}`.
fn lossless_tests(
    api: &Api,
    examples: &[(String, TypeId, String)],
    skips: &BTreeMap<String, String>,
) -> String {
    use crate::ir::TypeKind;
    let mut roots = std::collections::BTreeSet::new();
    for op in &api.operations {
        for b in &op.responses {
            if let Some(id) = named(b.ty.as_ref()) {
                roots.insert(id);
            }
        }
        if let Some(id) = named(op.stream.as_ref()) {
            roots.insert(id);
        }
    }
    let mut out = String::new();
    for id in roots {
        let t = &api.types[id];
        let TypeKind::Struct(fields) = &t.kind else {
            continue;
        };
        if t.strict {
            continue;
        }
        let enum_fields: Vec<String> = fields
            .iter()
            .filter(|f| matches!(f.ty, Ty::Named(e) if matches!(api.types[e].kind, TypeKind::Enum { .. })))
            .map(|f| format!("{:?}", f.wire))
            .collect();
        let base = examples
            .iter()
            .find(|(n, ty, j)| *ty == id && j.starts_with('{') && !skips.contains_key(n))
            .map_or("{}", |(_, _, j)| j.as_str());
        if let Some(f) = feature_of(&t.module) {
            writeln!(out, "#[cfg(feature = \"{f}\")]").ok();
        }
        let hashes = "#".repeat(max_hash_run(base) + 1);
        writeln!(
            out,
            "#[test]\nfn lossless_{}() {{\n    lossless::<crate::generated::{}::{}>(r{hashes}\"{base}\"{hashes}, &[{}]);\n}}\n",
            crate::names::snake(&t.name).replace("r#", ""),
            t.module,
            t.name,
            enum_fields.join(", ")
        )
        .ok();
    }
    out
}

fn named(ty: Option<&Ty>) -> Option<TypeId> {
    match ty {
        Some(Ty::Named(id)) => Some(*id),
        _ => None,
    }
}

/// Pretty JSON of a text that is a JSON object or array, else `None`.
fn json_text(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    if !(v.is_object() || v.is_array()) {
        return None;
    }
    serde_json::to_string_pretty(&v).ok()
}

/// The JSON body of a curl example (`-d '{...}'`), with `VAR_...` placeholders kept.
fn curl_body(curl: &str) -> Option<String> {
    let start = curl.find("-d '")? + 4;
    let rest = &curl[start..];
    let end = rest.find("'\n").or_else(|| rest.rfind('\''))?;
    json_text(&rest[..end])
}

fn max_hash_run(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut after_quote = false;
    for c in s.chars() {
        if c == '"' {
            after_quote = true;
            run = 0;
        } else if c == '#' && after_quote {
            run += 1;
            best = best.max(run);
        } else {
            after_quote = false;
            run = 0;
        }
    }
    best
}

/// `xtask/example-skips.tsv`: test name -> reason.
pub(crate) fn load_skips(path: &std::path::Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect())
}
