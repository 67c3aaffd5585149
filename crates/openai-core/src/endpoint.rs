//! What a call is, before any I/O: an [`Endpoint`] (one per API operation,
//! generated as a `static`) and the [`Prepared`] request a resource method
//! fills from it and its arguments.
//!
//! Nothing here knows the [`Client`](crate::Client) or a runtime: a prepared
//! request can be built and checked in a plain unit test, and the same
//! description serves the async client and any other executor.

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{ACCEPT, HeaderValue};
use http::{HeaderMap, Method};
use openai_transport::Body;
use openai_transport::auth::AuthScope;
use openai_transport::headers::OPENAI_BETA;
use openai_transport::timeout::ResponseMode;
use serde::Serialize;

use crate::error::{Error, InvalidRequestError};
use crate::multipart::{FileParts, Form};
use crate::url::path_segment;

/// One operation of the API: method, path template, credential and the
/// headers the resource always sends.
#[derive(Debug)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path below the base URL, with `{name}` for each path parameter
    /// (`/threads/{thread_id}/runs`); it may carry a fixed query
    /// (`/responses?beta=true`).
    pub path: &'static str,
    /// For a path without parameters: its slot in the client's table of
    /// joined paths (numbered by the generator, one per such path), so
    /// the join happens once per client.
    pub slot: Option<u16>,
    /// Which credential the endpoint takes.
    pub scope: AuthScope,
    /// The `OpenAI-Beta` header of the resource (`assistants=v2`).
    pub beta: Option<&'static str>,
    /// The `Accept` header, when not JSON (`*/*` for bodiless answers,
    /// `application/binary` for downloads).
    pub accept: Option<&'static str>,
}

/// The body of a prepared request.
#[derive(Debug, Clone)]
pub(crate) enum Payload {
    /// The JSON body; empty bytes for no body. (No `Empty` variant: with two
    /// variants the payload is as small as the bytes.)
    Json(Bytes),
    /// A multipart form, streamed per attempt, and its `Content-Type`.
    /// Boxed: uploads are rare, and every request value (moved several
    /// times per call) stays as small as a JSON one.
    Multipart(Box<Multipart>),
}

/// A multipart body, its content type, and its `model` field (for routers).
#[derive(Debug, Clone)]
pub(crate) struct Multipart {
    pub(crate) body: Body,
    pub(crate) content_type: HeaderValue,
    pub(crate) model: Option<String>,
}

/// A request ready to send, but for the per-call options.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub(crate) method: Method,
    // Borrowed for the fixed paths of most endpoints: no allocation.
    pub(crate) path: Cow<'static, str>,
    pub(crate) slot: Option<u16>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Payload,
    pub(crate) mode: ResponseMode,
    pub(crate) scope: AuthScope,
    pub(crate) headers: HeaderMap,
}

impl Prepared {
    /// A request to any path (undocumented endpoints): either key may sign it.
    pub(crate) fn custom(method: Method, path: impl Into<Cow<'static, str>>) -> Self {
        Self {
            method,
            path: path.into(),
            slot: None,
            query: Vec::new(),
            body: Payload::Json(Bytes::new()),
            mode: ResponseMode::Buffered,
            // reference/client.md 1.4: hand-made requests accept either key.
            scope: AuthScope::Any,
            headers: HeaderMap::new(),
        }
    }

    /// A request to `endpoint`, its path parameters filled from `args` in
    /// the order the template names them (parent first), each encoded as one
    /// path segment.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the parameter when a value is empty
    /// or a dot-segment, or when `args` does not match the template.
    pub fn new(endpoint: &'static Endpoint, args: &[&str]) -> Result<Self, Error> {
        let path = if args.is_empty() && endpoint.slot.is_some() {
            Cow::Borrowed(endpoint.path)
        } else {
            Cow::Owned(fill(endpoint.path, args)?)
        };
        let mut headers = HeaderMap::new();
        if let Some(beta) = endpoint.beta {
            headers.insert(OPENAI_BETA, HeaderValue::from_static(beta));
        }
        if let Some(accept) = endpoint.accept {
            headers.insert(ACCEPT, HeaderValue::from_static(accept));
        }
        Ok(Self {
            method: endpoint.method.clone(),
            slot: if args.is_empty() { endpoint.slot } else { None },
            path,
            query: Vec::new(),
            body: Payload::Json(Bytes::new()),
            mode: ResponseMode::Buffered,
            scope: endpoint.scope,
            headers,
        })
    }

    /// Serializes `body` as the JSON body.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `body` cannot be written as JSON (a
    /// NaN or infinite float, a map with non-string keys).
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = crate::json::to_vec(body).map_err(|e| {
            Error::InvalidRequest(InvalidRequestError::new(format!(
                "the request body cannot be serialized: {e}"
            )))
        })?;
        self.body = Payload::Json(Bytes::from(bytes));
        Ok(self)
    }

    /// Sends `params` as `multipart/form-data` (`reference/client.md` 10):
    /// its fields in bracket form first, then the parts of `files`, each a
    /// field of `params` named by its JSON name and left out of the fields.
    /// Files on disk are checked here and streamed when sent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `params` cannot be encoded or a file
    /// on disk cannot be read (its path is named).
    pub fn multipart<P: Serialize + ?Sized>(
        mut self,
        params: &P,
        files: &[(&str, &dyn FileParts)],
    ) -> Result<Self, Error> {
        let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        let mut form = Form::new();
        form.fields_from(params, &names)?;
        for (name, file) in files {
            file.add_files(name, &mut form);
        }
        // Read off the fields already encoded, for routers (Azure's
        // deployments): no second serialization of `params`.
        let model = form.text_field("model").map(str::to_owned);
        let (body, content_type) = form.into_body()?;
        self.body = Payload::Multipart(Box::new(Multipart {
            body,
            content_type,
            model,
        }));
        Ok(self)
    }

    /// Adds the fields of `params` to the query, in the bracket convention
    /// of `reference/client.md` (`include[]=a`, `metadata[k]=v`; nulls and
    /// absent fields dropped).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `params` cannot be written as JSON.
    pub fn query<Q: Serialize + ?Sized>(mut self, params: &Q) -> Result<Self, Error> {
        let pairs = crate::brackets::flatten(params).map_err(|e| {
            Error::InvalidRequest(InvalidRequestError::new(format!(
                "the query parameters cannot be encoded: {e}"
            )))
        })?;
        self.query.extend(pairs);
        Ok(self)
    }

    /// Refuses an empty `value` for the field `name` (a `model`), before
    /// anything is sent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the field.
    pub fn non_empty(self, name: &str, value: &str) -> Result<Self, Error> {
        if value.is_empty() {
            return Err(Error::InvalidRequest(InvalidRequestError::new(format!(
                "`{name}` must not be empty"
            ))));
        }
        Ok(self)
    }

    /// Asks for `accept` instead of the endpoint's `Accept` (the event
    /// stream of an endpoint that otherwise answers with bytes).
    pub fn accept(mut self, accept: &'static str) -> Self {
        self.headers
            .insert(ACCEPT, HeaderValue::from_static(accept));
        self
    }

    /// The answer is read incrementally (SSE, downloads), under the idle
    /// timeout instead of the whole-body one.
    pub fn streaming(mut self) -> Self {
        self.mode = ResponseMode::Streaming;
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path below the base URL, parameters filled in.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters, encoded names (`include[]`) and raw values.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The JSON body, when there is one.
    pub fn body(&self) -> Option<&[u8]> {
        match &self.body {
            Payload::Json(bytes) => (!bytes.is_empty()).then_some(&bytes[..]),
            Payload::Multipart(_) => None,
        }
    }

    /// The headers the endpoint adds.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The credential the request needs.
    pub fn scope(&self) -> AuthScope {
        self.scope
    }
}

/// Fills the `{name}` placeholders of `template` from `args`, in order.
fn fill(template: &'static str, args: &[&str]) -> Result<String, Error> {
    let mut out = String::with_capacity(template.len() + 16 * args.len());
    let mut rest = template;
    let mut args = args.iter();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
            Error::InvalidRequest(InvalidRequestError::new(format!(
                "malformed path template {template:?}"
            )))
        })?;
        let name = &rest[open + 1..close];
        let value = args.next().ok_or_else(|| {
            Error::InvalidRequest(InvalidRequestError::new(format!(
                "no value for path parameter `{name}`"
            )))
        })?;
        out.push_str(&rest[..open]);
        out.push_str(&path_segment(name, value)?);
        rest = &rest[close + 1..];
    }
    if args.next().is_some() {
        return Err(Error::InvalidRequest(InvalidRequestError::new(format!(
            "too many path parameters for {template:?}"
        ))));
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    static RUN: Endpoint = Endpoint {
        method: Method::GET,
        path: "/threads/{thread_id}/runs/{run_id}",
        slot: None,
        scope: AuthScope::ApiKey,
        beta: Some("assistants=v2"),
        accept: None,
    };

    static FILE_CONTENT: Endpoint = Endpoint {
        method: Method::GET,
        path: "/files/{file_id}/content",
        slot: None,
        scope: AuthScope::ApiKey,
        beta: None,
        accept: Some("application/binary"),
    };

    #[test]
    fn path_parameters_fill_in_order_and_are_encoded() {
        let p = Prepared::new(&RUN, &["thread 1", "run/2"]).unwrap();
        assert_eq!(p.path(), "/threads/thread%201/runs/run%2F2");
        assert_eq!(p.headers()["openai-beta"], "assistants=v2");
        assert_eq!(p.method(), Method::GET);
        assert!(p.slot.is_none());
    }

    #[test]
    fn an_empty_path_parameter_is_named() {
        let err = Prepared::new(&RUN, &["thread", ""]).unwrap_err();
        assert!(err.to_string().contains("`run_id`"), "{err}");
        let err = Prepared::new(&RUN, &["thread"]).unwrap_err();
        assert!(err.to_string().contains("`run_id`"), "{err}");
        assert!(Prepared::new(&RUN, &["a", "b", "c"]).is_err());
    }

    #[test]
    fn accept_comes_from_the_endpoint() {
        let p = Prepared::new(&FILE_CONTENT, &["file-1"]).unwrap();
        assert_eq!(p.headers()[ACCEPT], "application/binary");
        assert_eq!(p.path(), "/files/file-1/content");
    }

    #[test]
    fn a_fixed_path_is_borrowed_with_its_slot() {
        static LIST: Endpoint = Endpoint {
            method: Method::GET,
            path: "/models",
            slot: Some(3),
            scope: AuthScope::Admin,
            beta: None,
            accept: None,
        };
        let p = Prepared::new(&LIST, &[]).unwrap();
        assert!(matches!(p.path, Cow::Borrowed("/models")));
        assert_eq!(p.slot, Some(3));
        assert_eq!(p.scope(), AuthScope::Admin);
    }
}
