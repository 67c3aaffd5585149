//! The conformance calls: every generated method (and its stream variant)
//! once, with sample arguments that satisfy the spec, for the runner in
//! `crates/openai-core/tests/conformance/main.rs` that `.ci/prism` points
//! at Stoplight Prism. Built from the same model as the per-operation tests
//! (`tests.rs`); only the samples differ (`sample::conformance_sample`).

use std::fmt::Write as _;

use yaml_rust2::Yaml;

use super::sample::{ExtraRequired, conformance_sample};
use super::{Body, Method, Response, path_params, test_name};
use crate::emit::HEADER;
use crate::ir::{Api, ParamLocation, Ty, TypeKind};
use crate::spec::Node as _;

/// `crates/openai-core/tests/conformance/generated/mod.rs`.
pub(crate) fn emit_conformance(doc: &Yaml, api: &Api, methods: &[Method<'_>]) -> String {
    let extra = extra_required(doc);
    let mut out = String::from(HEADER);
    out.push_str(
        "//! One call per operation: see `xtask/src/resources/conformance.rs`.\n\n\
         #![allow(deprecated, reason = \"the deprecated methods are called like the others\")]\n\n\
         use openai_core::{Client, types};\n\n\
         use crate::support::{Call, Outcome, binary, empty, json, page, params, stream};\n\n",
    );
    let mut list = String::new();
    for m in methods {
        emit_call(api, &extra, &mut out, &mut list, m, false);
        if m.stream.is_some() {
            emit_call(api, &extra, &mut out, &mut list, m, true);
        }
    }
    writeln!(
        out,
        "/// Every call: `(resource.method, call)`.\npub(crate) const CALLS: &[(&str, Call)] = &[\n{list}];"
    )
    .ok();
    out
}

fn emit_call(
    api: &Api,
    extra: &ExtraRequired,
    out: &mut String,
    list: &mut String,
    m: &Method<'_>,
    stream: bool,
) {
    let op = m.op;
    let (chain, method) = super::call_path(m, stream);
    let fn_name = test_name(m, stream);
    let mut args: Vec<String> = path_params(op)
        .iter()
        .map(|(w, _)| format!("{:?}", path_arg(api, op, w)))
        .collect();
    let mut setup = String::new();
    if let Some(id) = op.params_type.filter(|_| m.body != Body::None) {
        let json = conformance_sample(api, extra, &Ty::Named(id));
        writeln!(
            setup,
            "        let params: {} = params(r#\"{json}\"#)?;",
            super::type_path(api, &Ty::Named(id))
        )
        .ok();
        args.push("params".to_owned());
    }
    let check = if stream {
        "stream"
    } else {
        match &m.response {
            Response::Json(_) | Response::Text => "json",
            Response::Page(..) => "page",
            Response::Empty => "empty",
            Response::Binary(_) => "binary",
        }
    };
    // The SDK asks with `Accept: application/json`, as the Python SDK
    // does; a mock that negotiates must be asked for the event stream.
    let accept = if stream {
        ".header(\"accept\", \"text/event-stream\")"
    } else {
        ""
    };
    let label = format!("{}.{}", m.resource, method.trim_start_matches("r#"));
    writeln!(
        out,
        "fn {fn_name}(client: Client) -> Outcome {{\n    Box::pin(async move {{\n{setup}        {check}(client{chain}.{method}({args}){accept}.await).await\n    }})\n}}\n",
        args = args.join(", "),
    )
    .ok();
    writeln!(list, "    ({label:?}, {fn_name}),").ok();
}

/// A path argument the spec accepts: the first value of an enum, else a
/// plain token (no space: Prism matches path segments literally).
fn path_arg(api: &Api, op: &crate::ir::Operation, wire: &str) -> String {
    let param = op
        .params
        .iter()
        .find(|p| p.location == ParamLocation::Path && p.name == wire);
    if let Some(Ty::Named(id)) = param.map(|p| &p.ty)
        && let TypeKind::Enum { values, .. } = &api.types[*id].kind
        && let Some(first) = values.first()
    {
        return first.clone();
    }
    format!("{wire}_1")
}

/// The schemas whose `anyOf` (or `oneOf`) lists only `required` sets, which
/// the model does not keep: a valid value has the fields of one of them.
fn extra_required(doc: &Yaml) -> ExtraRequired {
    let mut out = ExtraRequired::new();
    let Some(schemas) = doc.get("components").and_then(|c| c.get("schemas")) else {
        return out;
    };
    for (name, schema) in schemas.entries() {
        for key in ["anyOf", "oneOf"] {
            let sets = schema.list(key);
            let only_required = !sets.is_empty()
                && sets
                    .iter()
                    .all(|s| s.entries().iter().all(|(k, _)| k == "required"));
            if let (true, Some(first)) = (only_required, sets.first()) {
                let fields = first.list("required").iter().filter_map(Yaml::as_str);
                out.entry(name.clone())
                    .or_default()
                    .extend(fields.map(str::to_owned));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_required_takes_the_first_set_of_an_any_of_of_required_lists() {
        let doc = crate::spec::load(
            "components:\n  schemas:\n    Batch:\n      type: object\n      anyOf:\n        - required: [file_ids]\n        - required: [files]\n    Mixed:\n      anyOf:\n        - required: [a]\n        - type: string\n",
        )
        .unwrap();
        let extra = extra_required(&doc);
        assert_eq!(extra.get("Batch"), Some(&vec!["file_ids".to_owned()]));
        assert_eq!(extra.get("Mixed"), None);
    }
}
