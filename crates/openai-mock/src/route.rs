//! Matching request paths against path templates (`/files/{file_id}`), with or without the
//! `/v1` prefix, and under Azure's prefixes (`/openai`, `/openai/v1`,
//! `/openai/deployments/{deployment}`).

/// `/v1/chat/completions` → `/chat/completions`, and Azure's
/// `/openai/deployments/{deployment}/chat/completions` or `/openai/models` the same way;
/// paths without a prefix are unchanged.
pub(crate) fn strip_version(path: &str) -> &str {
    let path = strip_azure(path);
    match path.strip_prefix("/v1") {
        Some("") => "/",
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    }
}

/// Azure's prefixes: `/openai/deployments/{deployment}` and `/openai`.
fn strip_azure(path: &str) -> &str {
    let Some(rest) = path.strip_prefix("/openai") else {
        return path;
    };
    if rest.is_empty() {
        return "/";
    }
    if !rest.starts_with('/') {
        return path;
    }
    match rest.strip_prefix("/deployments/") {
        Some(after) => after.find('/').map_or("/", |at| &after[at..]),
        None => rest,
    }
}

/// The route of a request path: without `/v1` and without a trailing `/`.
pub(crate) fn route(path: &str) -> &str {
    let route = strip_version(path);
    if route.len() > 1 {
        route.trim_end_matches('/')
    } else {
        route
    }
}

/// Matches `route` (see [`route`]) against `template`, where a `{name}` segment matches
/// any one non-empty segment. Returns the matched parameter segments (still
/// percent-encoded), in order, and a specificity score: a literal segment early in the
/// path counts more than one late, so `/threads/runs` beats `/threads/{thread_id}`.
pub(crate) fn match_template<'a>(template: &str, route: &'a str) -> Option<(Vec<&'a str>, u64)> {
    let template = self::route(template);
    let mut params = Vec::new();
    let mut score = 0_u64;
    let mut wanted = template.split('/');
    let mut got = route.split('/');
    let mut i = 0_u32;
    loop {
        match (wanted.next(), got.next()) {
            (None, None) => return Some((params, score)),
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') => {
                if g.is_empty() {
                    return None;
                }
                params.push(g);
            }
            (Some(w), Some(g)) if w == g => {
                score |= 1 << (63 - i.min(63));
            }
            _ => return None,
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_version_prefix_only() {
        assert_eq!(strip_version("/v1/models"), "/models");
        assert_eq!(strip_version("/models"), "/models");
        assert_eq!(strip_version("/v1"), "/");
        assert_eq!(strip_version("/v10/models"), "/v10/models");
        assert_eq!(route("/v1/models/"), "/models");
    }

    #[test]
    fn strips_azure_prefixes() {
        assert_eq!(strip_version("/openai/models"), "/models");
        assert_eq!(strip_version("/openai/v1/models"), "/models");
        assert_eq!(
            strip_version("/openai/deployments/my%20dep/chat/completions"),
            "/chat/completions"
        );
        assert_eq!(strip_version("/openai/deployments/d"), "/");
        assert_eq!(strip_version("/openai"), "/");
        assert_eq!(strip_version("/openaix/models"), "/openaix/models");
    }

    #[test]
    fn templates_match_one_segment_per_parameter() {
        let (params, _) =
            match_template("/files/{file_id}/content", "/files/f%201/content").expect("matches");
        assert_eq!(params, ["f%201"]);
        assert!(match_template("/files/{file_id}", "/files/").is_none());
        assert!(match_template("/files/{file_id}", "/files/a/b").is_none());
        assert!(match_template("/v1/files/{id}", "/files/a").is_some());
        let literal = match_template("/threads/runs", "/threads/runs")
            .expect("matches")
            .1;
        let param = match_template("/threads/{id}", "/threads/runs")
            .expect("matches")
            .1;
        assert!(literal > param);
    }
}
