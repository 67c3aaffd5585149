//! URL building, as `reference/client.md` 1.5 and 9 describe it. Pure functions.

use std::fmt::{self, Write as _};
use std::sync::{Arc, OnceLock};

use http::uri::PathAndQuery;

use crate::error::{ConfigError, Error, InvalidRequestError};

/// The default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// Normalizes a base URL: it must be an absolute `http` or `https` URL; its
/// path gets a trailing `/`.
pub(crate) fn normalize_base_url(raw: &str) -> Result<String, Error> {
    let bad =
        |why: &str| Error::Config(ConfigError::new(format!("invalid base URL {raw:?}: {why}")));
    let uri: http::Uri = raw.parse().map_err(|_| bad("not a URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(bad("the scheme must be http or https")),
    }
    if uri.authority().is_none() {
        return Err(bad("no host"));
    }
    if uri.query().is_some() {
        return Err(bad("a base URL cannot carry a query"));
    }
    let mut s = raw.to_owned();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

/// A normalized base URL, with its scheme and host parsed once, so that a
/// request's URI is built from them and a parse of its path alone; the
/// joined paths of fixed endpoint paths are kept (see [`PathCache`]).
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    text: String,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    path: String,
    cache: PathCache,
}

/// The base path joined with the fixed endpoint paths (`/chat/completions`),
/// parsed once per client. Every endpoint whose path has no parameter owns a
/// slot ([`Endpoint::slot`](crate::endpoint::Endpoint::slot)), numbered by the
/// generator, so every fixed path of the API is cached and no two share a
/// slot. Lock-free: a slot is written once; clones of a client share it.
#[derive(Clone)]
struct PathCache(Arc<[OnceLock<PathAndQuery>]>);

impl PathCache {
    fn new() -> Self {
        Self(
            (0..crate::generated::FIXED_PATHS)
                .map(|_| OnceLock::new())
                .collect(),
        )
    }

    /// The joined path of slot `slot`, built by `build` the first time.
    fn get_or_build(
        &self,
        slot: u16,
        build: impl FnOnce() -> Result<PathAndQuery, Error>,
    ) -> Result<PathAndQuery, Error> {
        let Some(cell) = self.0.get(usize::from(slot)) else {
            return build();
        };
        if let Some(path) = cell.get() {
            return Ok(path.clone());
        }
        let path = build()?;
        // A racing call may have filled the slot first; both are the same.
        let _ = cell.set(path.clone());
        Ok(path)
    }
}

impl fmt::Debug for PathCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let used = self.0.iter().filter(|s| s.get().is_some()).count();
        f.debug_struct("PathCache")
            .field("slots", &self.0.len())
            .field("used", &used)
            .finish()
    }
}

impl BaseUrl {
    /// Parses a base URL made by [`normalize_base_url`].
    pub(crate) fn new(normalized: String) -> Result<Self, Error> {
        let uri: http::Uri = normalized.parse().map_err(|_| {
            Error::Config(ConfigError::new(format!(
                "invalid base URL {normalized:?}: not a URL"
            )))
        })?;
        let parts = uri.into_parts();
        match (parts.scheme, parts.authority) {
            (Some(scheme), Some(authority)) => Ok(Self {
                path: parts
                    .path_and_query
                    .map_or_else(|| "/".to_owned(), |p| p.path().to_owned()),
                text: normalized,
                scheme,
                authority,
                cache: PathCache::new(),
            }),
            _ => Err(Error::Config(ConfigError::new(format!(
                "invalid base URL {normalized:?}: no scheme or host"
            )))),
        }
    }

    /// The URL, ending in `/`.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The URI of a request: see [`build_uri`], which gives the same result.
    /// `slot` is the fixed path's cache slot, if it has one.
    pub(crate) fn uri(
        &self,
        path: &str,
        slot: Option<u16>,
        params: &[(String, String)],
    ) -> Result<http::Uri, Error> {
        if is_absolute(path) {
            return build_uri(&self.text, path, params);
        }
        let path_and_query = match slot {
            Some(slot) if params.is_empty() => self
                .cache
                .get_or_build(slot, || self.join_path(path, params))?,
            _ => self.join_path(path, params)?,
        };
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(path_and_query);
        http::Uri::from_parts(parts).map_err(|_| unbuildable(path))
    }

    /// The base path joined with a relative `path` and the parameters.
    fn join_path(&self, path: &str, params: &[(String, String)]) -> Result<PathAndQuery, Error> {
        let joined = join(&self.path, path, params);
        PathAndQuery::from_maybe_shared(bytes::Bytes::from(joined)).map_err(|_| unbuildable(path))
    }
}

fn is_absolute(path: &str) -> bool {
    path.starts_with("http://") || path.starts_with("https://")
}

fn unbuildable(path: &str) -> Error {
    Error::InvalidRequest(InvalidRequestError::new(format!(
        "cannot build a URL from path {path:?}"
    )))
}

/// Joins a request path to the base URL: an absolute URL is used as is; a
/// relative path is appended to the base path with its leading slashes
/// removed. Query parameters are appended to a query already in the path;
/// for a key present in both, the parameter wins.
pub(crate) fn build_uri(
    base: &str,
    path: &str,
    params: &[(String, String)],
) -> Result<http::Uri, Error> {
    let url = if is_absolute(path) {
        join("", path, params)
    } else {
        join(base, path, params)
    };
    url.parse().map_err(|_| unbuildable(path))
}

/// `base` (empty for an absolute `path`), `path` without its leading slashes
/// when `base` is not empty, and the query parameters.
fn join(base: &str, path: &str, params: &[(String, String)]) -> String {
    let mut url = if base.is_empty() {
        path.to_owned()
    } else {
        let path = path.trim_start_matches('/');
        // Exact when there is no query to add: the string becomes the bytes
        // of the URI without another allocation.
        let spare = if params.is_empty() { 0 } else { 32 };
        let mut s = String::with_capacity(base.len() + path.len() + spare);
        s.push_str(base);
        s.push_str(path);
        s
    };
    if !params.is_empty() {
        // Drop keys of the hard-coded query that the parameters override.
        if let Some(q) = url.find('?') {
            let (head, query) = url.split_at(q);
            let kept: Vec<&str> = query[1..]
                .split('&')
                .filter(|pair| {
                    let key = pair.split('=').next().unwrap_or("");
                    !pair.is_empty() && !params.iter().any(|(k, _)| encode_component(k) == key)
                })
                .collect();
            let mut rebuilt = head.to_owned();
            if !kept.is_empty() {
                rebuilt.push('?');
                rebuilt.push_str(&kept.join("&"));
            }
            url = rebuilt;
        }
        let mut sep = if url.contains('?') { '&' } else { '?' };
        for (k, v) in params {
            url.push(sep);
            url.push_str(&encode_component(k));
            url.push('=');
            url.push_str(&encode_component(v));
            sep = '&';
        }
    }
    url
}

/// Form-style query escaping: unreserved characters stay, space is `+`,
/// everything else is percent-encoded UTF-8 (`[` and `]` included).
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Encodes a path parameter as one RFC 3986 segment: everything but
/// unreserved characters and `!$&'()*+,;=:@` is percent-encoded, so `/`,
/// `?`, `#` and `%` cannot change the request's target. Empty values and the
/// dot-segments `.` and `..` are rejected before anything is sent.
pub fn path_segment(name: &str, value: &str) -> Result<String, Error> {
    if value.is_empty() {
        return Err(Error::InvalidRequest(InvalidRequestError::new(format!(
            "expected a non-empty value for `{name}`"
        ))));
    }
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b':'
            | b'@' => out.push(b as char),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    if out == "." || out == ".." {
        return Err(Error::InvalidRequest(InvalidRequestError::new(format!(
            "`{name}` cannot be the dot-segment {out:?}"
        ))));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn case_6_1_base_url_gets_a_trailing_slash() {
        assert_eq!(
            normalize_base_url("https://example.com/from_init").unwrap(),
            "https://example.com/from_init/"
        );
        assert_eq!(
            normalize_base_url("http://localhost:5000/custom/path/").unwrap(),
            "http://localhost:5000/custom/path/"
        );
        assert!(matches!(
            normalize_base_url("not a url"),
            Err(Error::Config(_))
        ));
        assert!(normalize_base_url("ftp://x/").is_err());
        assert!(normalize_base_url("").is_err());
        assert!(normalize_base_url("/v1").is_err());
    }

    #[test]
    fn paths_join_the_base_path() {
        let base = "http://localhost:5000/custom/path/";
        assert_eq!(
            build_uri(base, "/foo", &[]).unwrap(),
            "http://localhost:5000/custom/path/foo"
        );
        assert_eq!(
            build_uri(base, "foo", &[]).unwrap(),
            "http://localhost:5000/custom/path/foo"
        );
        assert_eq!(
            build_uri(base, "https://myapi.com/foo", &[]).unwrap(),
            "https://myapi.com/foo"
        );
    }

    #[test]
    fn the_parsed_base_builds_the_same_uris() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("/foo", &[]),
            ("foo", &[]),
            ("//double", &[]),
            ("https://myapi.com/foo?x=1", &[("y", "2")]),
            ("/foo?beta=true", &[("limit", "10"), ("beta", "false")]),
            ("/files/a%2Fb", &[("q", "a b&c")]),
            ("/bad path", &[]),
            ("", &[]),
        ];
        for base in [
            "http://localhost:5000/custom/path/",
            "https://api.openai.com/v1/",
            "http://x/",
        ] {
            let parsed = BaseUrl::new(base.to_owned()).unwrap();
            assert_eq!(parsed.as_str(), base);
            for (slot, (path, p)) in (0u16..).zip(cases) {
                let p = params(p);
                let want = build_uri(base, path, &p).map(|u| u.to_string());
                // Twice: built, then (for the fixed paths without
                // parameters) from the cache.
                let got = parsed.uri(path, Some(slot), &p).map(|u| u.to_string());
                let again = parsed.uri(path, Some(slot), &p).map(|u| u.to_string());
                let owned = parsed.uri(path, None, &p);
                assert_eq!(got.as_ref().ok(), again.as_ref().ok(), "{base} {path}");
                assert_eq!(
                    got.as_ref().ok(),
                    owned.map(|u| u.to_string()).as_ref().ok(),
                    "{base} {path}"
                );
                match (&want, &got) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{base} {path}"),
                    (Err(_), Err(_)) => {}
                    _ => panic!("{base} {path}: {want:?} vs {got:?}"),
                }
            }
        }
    }

    #[test]
    fn every_slot_keeps_its_own_path_and_unknown_slots_are_built() {
        let base = BaseUrl::new("http://x/v1/".to_owned()).unwrap();
        let slots = u16::try_from(crate::generated::FIXED_PATHS).unwrap();
        for _ in 0..2 {
            for slot in 0..slots + 3 {
                let path = format!("/p{slot}");
                let uri = base.uri(&path, Some(slot), &[]).unwrap();
                assert_eq!(uri.to_string(), format!("http://x/v1/p{slot}"));
            }
        }
        // With parameters the slot is not used.
        let uri = base.uri("/p0", Some(0), &params(&[("a", "1")])).unwrap();
        assert_eq!(uri.to_string(), "http://x/v1/p0?a=1");
    }

    #[test]
    fn case_6_5_hard_coded_query_is_merged() {
        let base = "http://x/";
        let uri = build_uri(
            base,
            "/foo?beta=true",
            &params(&[("limit", "10"), ("page", "abc")]),
        )
        .unwrap();
        assert_eq!(uri.query(), Some("beta=true&limit=10&page=abc"));
        let uri = build_uri(base, "/files/a%2Fb?beta=true", &params(&[("limit", "10")])).unwrap();
        assert_eq!(
            uri.path_and_query().unwrap().as_str(),
            "/files/a%2Fb?beta=true&limit=10"
        );
        let uri = build_uri(base, "/foo?beta=true", &params(&[("beta", "false")])).unwrap();
        assert_eq!(uri.query(), Some("beta=false"));
    }

    #[test]
    fn query_values_are_form_encoded() {
        assert_eq!(encode_component("a b&c/d"), "a+b%26c%2Fd");
        assert_eq!(encode_component("in[]"), "in%5B%5D");
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn case_6_6_path_segments_are_encoded_and_dot_segments_rejected() {
        assert_eq!(path_segment("id", "abc").unwrap(), "abc");
        assert_eq!(
            path_segment("id", "../../other/endpoint").unwrap(),
            "..%2F..%2Fother%2Fendpoint"
        );
        assert_eq!(
            path_segment("id", "a/b/c?query=value&bad=true").unwrap(),
            "a%2Fb%2Fc%3Fquery=value&bad=true"
        );
        assert_eq!(path_segment("id", "%20").unwrap(), "%2520");
        assert_eq!(path_segment("id", "a#b").unwrap(), "a%23b");
        assert_eq!(path_segment("id", "a b").unwrap(), "a%20b");
        assert_eq!(path_segment("id", ".hidden").unwrap(), ".hidden");
        assert_eq!(path_segment("id", "...").unwrap(), "...");
        for bad in [".", "..", ""] {
            assert!(
                matches!(path_segment("id", bad), Err(Error::InvalidRequest(_))),
                "{bad:?}"
            );
        }
    }
}
