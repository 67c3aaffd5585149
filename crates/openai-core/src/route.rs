//! Where a request goes: the hook a wrapper client uses to send some
//! endpoints elsewhere than `<base URL>/<path>` (the Azure client's
//! `/deployments/{model}/...`), set with
//! [`ClientBuilder::router`](crate::ClientBuilder::router).
//!
//! The router sees each request once, before it is sent (not per attempt):
//! its method, the endpoint's path, its query, whether it opens a WebSocket
//! and, on demand, the `model` its body names. It answers with a [`Route`].

use http::Method;
use serde::Deserialize;

/// What a [`Router`] sees of a request.
#[derive(Debug)]
pub struct RouteRequest<'a> {
    method: &'a Method,
    path: &'a str,
    body: RouteBody<'a>,
    query: &'a [(String, String)],
    websocket: bool,
}

#[derive(Debug)]
enum RouteBody<'a> {
    /// A JSON body (empty for none): `model` is read from it when asked.
    Json(&'a [u8]),
    /// A multipart body: its `model` field, recorded when it was built.
    Multipart(Option<&'a str>),
}

impl<'a> RouteRequest<'a> {
    pub(crate) fn json(method: &'a Method, path: &'a str, body: &'a [u8]) -> Self {
        Self {
            method,
            path,
            body: RouteBody::Json(body),
            query: &[],
            websocket: false,
        }
    }

    pub(crate) fn multipart(method: &'a Method, path: &'a str, model: Option<&'a str>) -> Self {
        Self {
            method,
            path,
            body: RouteBody::Multipart(model),
            query: &[],
            websocket: false,
        }
    }

    /// The request's query (the client's defaults, the endpoint's and the
    /// call's parameters, merged) and whether it is a WebSocket handshake.
    pub(crate) fn with_query(mut self, query: &'a [(String, String)], websocket: bool) -> Self {
        self.query = query;
        self.websocket = websocket;
        self
    }

    /// The request's method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The endpoint's path, its parameters filled in (`/chat/completions`,
    /// `/files/file-abc`), or the URL of a hand-made request to an absolute
    /// URL.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The query parameters the request will carry, in order: the client's
    /// default query, the endpoint's parameters, the call's extra query.
    pub fn query(&self) -> &[(String, String)] {
        self.query
    }

    /// Whether the request is a WebSocket handshake (`GET /realtime` of
    /// `client.realtime().connect()`, `GET /responses` of the Responses
    /// WebSocket mode): it has no body,
    /// and its model, if any, is the `model` query parameter.
    pub fn is_websocket(&self) -> bool {
        self.websocket
    }

    /// The `model` the body names: the top-level `"model"` string of a JSON
    /// object body, or the `model` field of a multipart body. `None` when
    /// there is none or it is not a string. A JSON body is read for it on
    /// each call.
    pub fn model(&self) -> Option<String> {
        match self.body {
            RouteBody::Json(bytes) if !bytes.is_empty() => {
                #[derive(Deserialize)]
                struct ModelOnly {
                    model: Option<String>,
                }
                serde_json::from_slice::<ModelOnly>(bytes).ok()?.model
            }
            RouteBody::Json(_) => None,
            RouteBody::Multipart(model) => model.map(str::to_owned),
        }
    }
}

/// Where a [`Router`] sends a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// As the endpoint says: `<base URL>/<path>`.
    Keep,
    /// Another path under the base URL (`/deployments/gpt-4o/chat/completions`).
    Path(String),
    /// An absolute URL (`https://host/openai/models`); the request's query
    /// is added to it.
    Url(String),
    /// `route`, with this query instead of the request's own (Azure's
    /// Realtime handshake names its `deployment` instead of a `model`).
    WithQuery(Box<Route>, Vec<(String, String)>),
    /// Refuse the request before anything is sent:
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) with this
    /// message.
    Reject(String),
}

/// Decides where requests go (see the [module docs](self)).
///
/// Implemented for closures `Fn(&RouteRequest<'_>) -> Route`.
pub trait Router: Send + Sync + 'static {
    /// Where `request` goes.
    fn route(&self, request: &RouteRequest<'_>) -> Route;
}

impl<F> Router for F
where
    F: Fn(&RouteRequest<'_>) -> Route + Send + Sync + 'static,
{
    fn route(&self, request: &RouteRequest<'_>) -> Route {
        self(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_comes_from_either_body() {
        let post = Method::POST;
        let json = RouteRequest::json(
            &post,
            "/chat/completions",
            br#"{"messages":[],"model":"gpt-4o"}"#,
        );
        assert_eq!(json.model().as_deref(), Some("gpt-4o"));
        assert_eq!(json.path(), "/chat/completions");
        assert_eq!(json.method(), Method::POST);
        for body in [
            &b""[..],
            b"[1]",
            b"{\"model\": 3}",
            b"{\"model\": null}",
            b"not json",
        ] {
            assert_eq!(RouteRequest::json(&post, "/x", body).model(), None);
        }
        let form = RouteRequest::multipart(&post, "/audio/transcriptions", Some("whisper-1"));
        assert_eq!(form.model().as_deref(), Some("whisper-1"));
    }
}
