//! One test per generated method, against openai-mock: it calls the method
//! with sample arguments, checks the method, path, query, content type, body,
//! credential and resource headers the mock received, and the typed result.

use std::fmt::Write as _;

use super::sample::sample;
use super::{Body, Method, Response, cfg, features, path_params, rust_ident, stream_name};
use crate::emit::HEADER;
use crate::ir::{Api, Pagination, Ty};

/// `crates/openai-core/tests/operations/generated.rs`.
pub(crate) fn emit_tests(api: &Api, methods: &[Method<'_>]) -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "//! One test per operation: see `xtask/src/resources/tests.rs`.\n\n\
         #![allow(deprecated, reason = \"the deprecated methods are tested like the others\")]\n\
         #![allow(unused_imports, reason = \"what each feature set uses differs\")]\n\n\
         use openai_core::types;\nuse openai_mock::{Mock, MockServer};\n\n\
         use crate::support::{Expect, check, client, json, params};\n\n",
    );
    for m in methods {
        emit_test(api, &mut out, m, false);
        if m.stream.is_some() {
            emit_test(api, &mut out, m, true);
        }
    }
    out
}

/// The name of the test of a method (`beta_threads_runs_steps_list`).
pub(crate) fn test_name(m: &Method<'_>, stream: bool) -> String {
    let method = if stream {
        stream_name(m)
    } else {
        rust_ident(&m.name)
    };
    format!(
        "{}_{}",
        m.resource.replace('.', "_"),
        method.trim_start_matches("r#")
    )
}

fn emit_test(api: &Api, out: &mut String, m: &Method<'_>, stream: bool) {
    let op = m.op;
    let (chain, method) = super::call_path(m, stream);
    let test_name = test_name(m, stream);
    let mut args: Vec<String> = path_params(op)
        .iter()
        .map(|(w, _)| format!("\"{w} 1\""))
        .collect();
    let params_ty = op.params_type.filter(|_| m.body != Body::None);
    let params_json = params_ty.map(|id| sample(api, &Ty::Named(id)));
    let mut setup = String::new();
    if let (Some(id), Some(json)) = (params_ty, &params_json) {
        writeln!(
            setup,
            "    let params: {} = params(r#\"{json}\"#);",
            super::type_path(api, &Ty::Named(id))
        )
        .ok();
        args.push("params".to_owned());
    }
    let mock = if stream {
        let item = m
            .stream
            .as_ref()
            .map_or("{}".to_owned(), |t| sample(api, t));
        format!("Mock::sse([json(r#\"{item}\"#)])")
    } else {
        match &m.response {
            Response::Json(Some(t)) => format!("Mock::ok(json(r#\"{}\"#))", sample(api, t)),
            Response::Json(None) => "Mock::ok(json(\"{}\"))".to_owned(),
            Response::Page(kind, item) => {
                let extra = match kind {
                    Pagination::ConversationCursorPage => ",\"last_id\":\"last\"",
                    Pagination::NextCursorPage => ",\"next\":null",
                    _ => "",
                };
                format!(
                    "Mock::ok(json(r#\"{{\"object\":\"list\",\"data\":[{}],\"has_more\":false{extra}}}\"#))",
                    sample(api, item)
                )
            }
            Response::Empty => "Mock::raw(204, \"\", \"text/plain\")".to_owned(),
            Response::Binary(_) => {
                "Mock::raw(200, \"binary-body\", \"application/octet-stream\")".to_owned()
            }
            Response::Text => "Mock::raw(200, \"text-body\", \"text/plain\")".to_owned(),
        }
    };
    let (path, fixed_query) = match op.path.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (op.path.clone(), None),
    };
    let mut path = path;
    for (w, _) in path_params(op) {
        path = path.replace(&format!("{{{w}}}"), &format!("{w}%201"));
    }
    let query = match (m.body, &params_json) {
        (Body::Query, Some(j)) => format!("Some(r#\"{j}\"#)"),
        _ => "None".to_owned(),
    };
    // The sample with the field the method fills in when it is left out.
    let params_json = params_json.map(|j| match super::request_default(api, op) {
        Some((field, _, json, _)) => match j.strip_suffix('}') {
            Some(open) if open.ends_with('{') => format!("{open}\"{field}\":{json}}}"),
            Some(open) => format!("{open},\"{field}\":{json}}}"),
            None => j,
        },
        None => j,
    });
    let body = match (m.body, &params_json) {
        (Body::Json, Some(j)) if !stream => format!("Some(r#\"{j}\"#)"),
        (Body::Json, Some(_)) => "None".to_owned(),
        _ => "None".to_owned(),
    };
    let files = if m.body == Body::Multipart {
        let names: Vec<String> = super::required_file_fields(api, op)
            .into_iter()
            .map(|w| format!("{w:?}"))
            .collect();
        format!("Some(&[{}])", names.join(", "))
    } else {
        "None".to_owned()
    };
    let binary = matches!(m.response, Response::Binary(_));
    // The flag field and its JSON value, as the support's `Expect` takes them.
    let stream_flag = match super::stream_flag(api, op, binary).filter(|_| stream) {
        Some(("stream", _)) => "Some((\"stream\", \"true\"))".to_owned(),
        Some((field, _)) => format!("Some(({field:?}, r#\"\"sse\"\"#))"),
        None => "None".to_owned(),
    };
    let accept = match (&m.response, stream) {
        (_, true) if binary => "Some(\"text/event-stream\")".to_owned(),
        (_, true) => "None".to_owned(),
        (Response::Empty, _) => "Some(\"*/*\")".to_owned(),
        (Response::Binary(a), _) => format!("Some({a:?})"),
        _ => "None".to_owned(),
    };
    let beta =
        super::beta_header(&m.resource).map_or("None".to_owned(), |b| format!("Some({b:?})"));
    let result = if stream {
        "    use futures_util::StreamExt as _;\n    let mut got = got;\n    let first = got.next().await.expect(\"one event\");\n    first.expect(\"the event parses\");\n    assert!(got.next().await.is_none());\n".to_owned()
    } else {
        match &m.response {
            Response::Page(..) => "    assert_eq!(got.data.len(), 1);\n".to_owned(),
            Response::Empty => String::new(),
            Response::Binary(_) => {
                "    assert_eq!(&got.bytes().await.expect(\"the body\")[..], b\"binary-body\");\n"
                    .to_owned()
            }
            Response::Text => "    assert_eq!(got, \"text-body\");\n".to_owned(),
            Response::Json(_) => "    let _ = got;\n".to_owned(),
        }
    };
    out.push_str(&cfg(&features(api, m), false));
    writeln!(
        out,
        "#[tokio::test]\nasync fn {test_name}() {{\n    let server = MockServer::start().await;\n    server.enqueue({mock});\n    let client = client(&server);\n{setup}    {bind}client{chain}.{method}({args}).await.expect({label:?});\n    check(&server, &Expect {{\n        method: {meth:?},\n        path: {path:?},\n        fixed_query: {fq},\n        query: {query},\n        json_body: {body},\n        admin: {admin},\n        beta: {beta},\n        accept: {accept},\n        stream: {stream_flag},\n        multipart: {files},\n    }});\n{result}}}\n",
        args = args.join(", "),
        label = format!("{}.{}", m.resource, method),
        meth = op.method.to_uppercase(),
        path = format!("/v1{path}"),
        fq = fixed_query.map_or("None".to_owned(), |q| format!("Some({q:?})")),
        admin = op.admin,
        bind = if m.response == Response::Empty && !stream {
            ""
        } else {
            "let got = "
        },
    )
    .ok();
}
