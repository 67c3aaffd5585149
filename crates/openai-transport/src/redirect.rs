//! Following redirects, as the official SDK's HTTP client does by default.
//!
//! `reference/client.md` 12, after httpx: up to [`MAX_REDIRECTS`] redirects; a
//! 302 or 303 turns any method but `HEAD` into `GET`, a 301 turns `POST` into
//! `GET`, and such a `GET` goes without the body and its `Content-Length` and
//! `Transfer-Encoding` headers; 307 and 308 repeat the request as it was. The
//! `Location` may be relative: it is resolved against the URI of the hop that
//! answered (RFC 3986 section 5). A request carrying
//! [`FollowRedirects(false)`](FollowRedirects) gets the 3xx response back
//! instead (Python's `follow_redirects=False`), and so does one whose redirect
//! cannot be followed: a missing or unusable `Location`, a scheme other than
//! `http` and `https`, a 21st redirect, or a 307/308 whose body cannot be
//! replayed.
//!
//! Once a redirect leaves the origin of the first request, no later request of
//! the chain carries credentials: `Authorization`, `api-key`, `Cookie` and
//! `Proxy-Authorization` headers are dropped, and the redirected requests omit
//! (through [`OmitHeaders`]) `Authorization` and `api-key`, so the auth layer
//! below adds neither (`reference/azure.md`: the key is not restored when the
//! chain comes back).
//!
//! Every hop carries the first request's headers and extensions, so its
//! timeout, response mode, auth scope and omitted headers still apply; the
//! layers below add their headers to each hop as to any request.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::header::{
    AUTHORIZATION, CONTENT_LENGTH, COOKIE, HOST, HeaderName, LOCATION, PROXY_AUTHORIZATION,
    TRANSFER_ENCODING,
};
use http::uri::Scheme;
use http::{Method, StatusCode, Uri};
use pin_project::pin_project;
use tower::{Layer, Service};

use crate::body::copy_request;
use crate::headers::{API_KEY, OmitHeaders};
use crate::{Body, BoxError, HttpRequest, HttpResponse};

/// Redirects followed at most per request; the next one comes back as is.
pub const MAX_REDIRECTS: u8 = 20;

/// Request extension: whether to follow redirects for this request. Default `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowRedirects(pub bool);

/// Headers that never follow a redirect chain once it has left its origin.
const CREDENTIALS: [HeaderName; 4] = [AUTHORIZATION, API_KEY, COOKIE, PROXY_AUTHORIZATION];

/// Layer adding [`FollowRedirect`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FollowRedirectLayer(());

impl FollowRedirectLayer {
    /// The layer.
    pub const fn new() -> Self {
        Self(())
    }
}

impl<S> Layer<S> for FollowRedirectLayer {
    type Service = FollowRedirect<S>;

    fn layer(&self, inner: S) -> FollowRedirect<S> {
        FollowRedirect { inner }
    }
}

/// Follows redirects; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct FollowRedirect<S> {
    inner: S,
}

impl<S> FollowRedirect<S> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Consumes the layer, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Service<HttpRequest> for FollowRedirect<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError> + Clone,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = ResponseFuture<S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: HttpRequest) -> Self::Future {
        let follow = req
            .extensions()
            .get::<FollowRedirects>()
            .is_none_or(|f| f.0);
        // The next hops are built from a copy of this request (the caller's
        // few headers: the layers below add theirs to every hop) and sent
        // through a copy of the service, made ready before each hop.
        let chain = follow.then(|| {
            let body = req.body().try_clone();
            Chain {
                service: self.inner.clone(),
                replayable: body.is_some(),
                template: copy_request(&req, body.unwrap_or_default()),
                origin: None,
                hops: 0,
            }
        });
        ResponseFuture {
            chain,
            state: State::Called(self.inner.call(req)),
        }
    }
}

/// What the next hop of a chain is built from.
struct Chain<S> {
    service: S,
    /// The request as the next hop sends it: method, URI of the current hop,
    /// headers, body and extensions.
    template: HttpRequest,
    /// Whether the first request's body can be sent again (a 307 or 308
    /// needs it; a redirect that turns into `GET` does not).
    replayable: bool,
    /// The first request's origin, once a redirect has come.
    origin: Option<Origin>,
    hops: u8,
}

/// Response future of [`FollowRedirect`].
#[pin_project]
pub struct ResponseFuture<S: Service<HttpRequest>> {
    /// `None` when redirects are not followed.
    chain: Option<Chain<S>>,
    #[pin]
    state: State<S::Future>,
}

#[pin_project(project = StateProj)]
enum State<F> {
    Called(#[pin] F),
    /// The next hop (the chain's template), waiting for the service to be ready.
    Readying,
}

impl<S: Service<HttpRequest>> fmt::Debug for ResponseFuture<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("redirect::ResponseFuture")
            .field("follow", &self.chain.is_some())
            .field("hops", &self.chain.as_ref().map_or(0, |c| c.hops))
            .finish_non_exhaustive()
    }
}

impl<S> Future for ResponseFuture<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Output = Result<HttpResponse, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Called(fut) => {
                    let resp = ready!(fut.poll(cx))?;
                    let follow = match this.chain.as_mut() {
                        Some(chain) if resp.status().is_redirection() => {
                            chain.next_hop(&resp).is_some()
                        }
                        _ => false,
                    };
                    if !follow {
                        return Poll::Ready(Ok(resp));
                    }
                    // The 3xx response (and its connection) is released first.
                    drop(resp);
                    this.state.set(State::Readying);
                }
                StateProj::Readying => {
                    let chain = this
                        .chain
                        .as_mut()
                        .expect("a hop is only scheduled in a chain");
                    ready!(chain.service.poll_ready(cx))?;
                    let body = chain.template.body().try_clone().unwrap_or_default();
                    let fut = chain.service.call(copy_request(&chain.template, body));
                    this.state.set(State::Called(fut));
                }
            }
        }
    }
}

impl<S> Chain<S> {
    /// Makes the template the request that follows the redirect `resp`;
    /// `None` when the redirect is not followed.
    fn next_hop(&mut self, resp: &HttpResponse) -> Option<()> {
        if self.hops >= MAX_REDIRECTS {
            tracing::debug!("not following: {MAX_REDIRECTS} redirects already");
            return None;
        }
        let status = resp.status();
        let template = &mut self.template;
        let method = redirect_method(status, template.method())?;
        let location = resp.headers().get(LOCATION)?.to_str().ok()?;
        let Some(uri) = resolve(template.uri(), location) else {
            tracing::debug!("not following a redirect to an unusable location");
            return None;
        };
        let to_get = method != template.method();
        if !to_get && !self.replayable {
            tracing::debug!("not following: the body cannot be sent again");
            return None;
        }
        let origin = self
            .origin
            .get_or_insert_with(|| Origin::of(template.uri()));
        let left_origin = !origin.holds(&uri);
        let same_authority = uri.authority() == template.uri().authority();
        if to_get {
            let headers = template.headers_mut();
            headers.remove(CONTENT_LENGTH);
            headers.remove(TRANSFER_ENCODING);
            *template.method_mut() = method;
            *template.body_mut() = Body::empty();
        }
        if !same_authority {
            template.headers_mut().remove(HOST);
        }
        // Sticky: once the chain has left its origin, no credential comes
        // back, even on a later hop to the first origin.
        if left_origin {
            let headers = template.headers_mut();
            for name in &CREDENTIALS {
                headers.remove(name);
            }
            let ext = template.extensions_mut();
            let mut omit = ext.remove::<OmitHeaders>().unwrap_or_default();
            for name in CREDENTIALS {
                omit.insert(name);
            }
            ext.insert(omit);
        }
        *template.uri_mut() = uri;
        self.hops += 1;
        tracing::debug!(
            status = status.as_u16(),
            hop = self.hops,
            "following a redirect"
        );
        Some(())
    }
}

/// The method of the request that follows a `status` redirect of a `method`
/// request; `None` for a 3xx that is not a redirect (300, 304, ...).
fn redirect_method(status: StatusCode, method: &Method) -> Option<Method> {
    match status {
        StatusCode::MOVED_PERMANENTLY if method == Method::POST => Some(Method::GET),
        StatusCode::FOUND | StatusCode::SEE_OTHER if method != Method::HEAD => Some(Method::GET),
        StatusCode::MOVED_PERMANENTLY
        | StatusCode::FOUND
        | StatusCode::SEE_OTHER
        | StatusCode::TEMPORARY_REDIRECT
        | StatusCode::PERMANENT_REDIRECT => Some(method.clone()),
        _ => None,
    }
}

/// Scheme, host (compared without case) and port, with the scheme's default
/// port filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    https: bool,
    host: String,
    port: u16,
}

impl Origin {
    fn of(uri: &Uri) -> Self {
        let (https, port) = scheme_and_port(uri);
        Self {
            https,
            host: uri.host().unwrap_or("").to_ascii_lowercase(),
            port,
        }
    }

    fn holds(&self, uri: &Uri) -> bool {
        scheme_and_port(uri) == (self.https, self.port)
            && uri.host().unwrap_or("").eq_ignore_ascii_case(&self.host)
    }
}

/// Whether `uri` is https, and its port with the scheme's default filled in.
fn scheme_and_port(uri: &Uri) -> (bool, u16) {
    let https = uri.scheme() == Some(&Scheme::HTTPS);
    (
        https,
        uri.port_u16().unwrap_or(if https { 443 } else { 80 }),
    )
}

/// Resolves a `Location` against the URI of the request that got it (RFC 3986
/// section 5.2); the fragment is dropped. `None` when the result is not an
/// `http` or `https` URI with a host.
fn resolve(base: &Uri, location: &str) -> Option<Uri> {
    let location = location.split('#').next().unwrap_or("");
    let scheme = base.scheme_str()?;
    let authority = base.authority()?.as_str();
    let target = if has_scheme(location) {
        location.to_owned()
    } else if let Some(rest) = location.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else {
        let (ref_path, ref_query) = match location.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (location, None),
        };
        let path = if ref_path.is_empty() {
            base.path().to_owned()
        } else if ref_path.starts_with('/') {
            remove_dot_segments(ref_path)
        } else {
            let base_path = base.path();
            let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
            let dir = if dir.is_empty() { "/" } else { dir };
            remove_dot_segments(&format!("{dir}{ref_path}"))
        };
        let query = match (ref_query, ref_path.is_empty()) {
            (Some(q), _) => Some(q),
            (None, true) => base.query(),
            (None, false) => None,
        };
        match query {
            Some(q) => format!("{scheme}://{authority}{path}?{q}"),
            None => format!("{scheme}://{authority}{path}"),
        }
    };
    let uri: Uri = target.parse().ok()?;
    let supported = uri.scheme() == Some(&Scheme::HTTP) || uri.scheme() == Some(&Scheme::HTTPS);
    (supported && uri.host().is_some_and(|h| !h.is_empty())).then_some(uri)
}

/// Whether a URI reference starts with a scheme (`ALPHA *( ALPHA / DIGIT /
/// "+" / "-" / "." ) ":"`).
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// RFC 3986 section 5.2.4 on an absolute path.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut segments = path.strip_prefix('/').unwrap_or(path).split('/').peekable();
    // Whether the path ends in a directory: after a final `.` or `..`.
    let mut directory = false;
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        match segment {
            "." => directory = last,
            ".." => {
                out.pop();
                directory = last;
            }
            s => {
                out.push(s);
                directory = false;
            }
        }
    }
    let mut resolved = String::with_capacity(path.len() + 1);
    for segment in &out {
        resolved.push('/');
        resolved.push_str(segment);
    }
    if directory || resolved.is_empty() {
        resolved.push('/');
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ResponseBody;
    use std::sync::{Arc, Mutex};
    use tower::{Layer, ServiceExt};

    type Seen = Arc<Mutex<Vec<(String, String, bool)>>>;

    fn service(
        seen: Seen,
    ) -> impl tower::Service<
        HttpRequest,
        Response = crate::HttpResponse,
        Error = BoxError,
        Future = impl Send,
    > + Clone {
        tower::service_fn(move |req: HttpRequest| {
            seen.lock().unwrap().push((
                req.method().to_string(),
                req.uri().to_string(),
                req.headers().contains_key(http::header::AUTHORIZATION),
            ));
            let resp = match req.uri().path() {
                "/redirect" => http::Response::builder()
                    .status(302)
                    .header("location", "http://a.test/redirected")
                    .body(ResponseBody::empty()),
                "/away" => http::Response::builder()
                    .status(307)
                    .header("location", "http://b.test/final")
                    .body(ResponseBody::empty()),
                _ => http::Response::builder().body(ResponseBody::full("{\"status\":\"ok\"}")),
            };
            async move { Ok::<_, BoxError>(resp.unwrap()) }
        })
    }

    fn req(path: &str) -> HttpRequest {
        http::Request::post(format!("http://a.test{path}"))
            .header("authorization", "Bearer k")
            .body(Body::from("{}"))
            .unwrap()
    }

    #[tokio::test]
    async fn case_11_1_follows_302_as_get() {
        let seen = Seen::default();
        let svc = FollowRedirectLayer::new().layer(service(seen.clone()));
        let resp = svc.oneshot(req("/redirect")).await.unwrap();
        assert_eq!(resp.status(), 200);
        let seen = seen.lock().unwrap();
        assert_eq!(seen[1].0, "GET");
        assert_eq!(seen[1].1, "http://a.test/redirected");
        assert!(seen[1].2, "same origin keeps credentials");
    }

    #[tokio::test]
    async fn case_18_14_cross_origin_drops_credentials() {
        let seen = Seen::default();
        let svc = FollowRedirectLayer::new().layer(service(seen.clone()));
        svc.oneshot(req("/away")).await.unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen[1].1, "http://b.test/final");
        assert_eq!(seen[1].0, "POST", "307 keeps the method");
        assert!(!seen[1].2, "credentials must not cross origins");
    }

    /// Also covers tests-to-match.md case 10.1.
    #[tokio::test]
    async fn case_18_14_can_be_disabled_per_request() {
        let seen = Seen::default();
        let svc = FollowRedirectLayer::new().layer(service(seen.clone()));
        let mut r = req("/redirect");
        r.extensions_mut().insert(FollowRedirects(false));
        let resp = svc.oneshot(r).await.unwrap();
        assert_eq!(resp.status(), 302);
        assert_eq!(seen.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn case_18_14_hops_keep_extensions_and_omit_credentials_after_leaving_the_origin() {
        #[derive(Clone, Debug, PartialEq)]
        struct Marker(u8);
        type Hops = Arc<Mutex<Vec<(Option<Marker>, bool, bool)>>>;
        let hops = Hops::default();
        let seen = hops.clone();
        let svc = FollowRedirectLayer::new().layer(tower::service_fn(move |req: HttpRequest| {
            let omit = req.extensions().get::<OmitHeaders>();
            seen.lock().unwrap().push((
                req.extensions().get::<Marker>().cloned(),
                omit.is_some_and(|o| o.contains(&AUTHORIZATION)),
                omit.is_some_and(|o| o.contains(&API_KEY)),
            ));
            let resp = match req.uri().host() {
                Some("a.test") if req.uri().path() == "/same" => http::Response::builder()
                    .status(307)
                    .header("location", "http://a.test/other")
                    .body(ResponseBody::empty()),
                Some("a.test") if req.uri().path() == "/other" => http::Response::builder()
                    .status(307)
                    .header("location", "http://b.test/final")
                    .body(ResponseBody::empty()),
                _ => http::Response::builder().body(ResponseBody::empty()),
            };
            async move { Ok::<_, BoxError>(resp.unwrap()) }
        }));
        let mut r = req("/same");
        r.extensions_mut().insert(Marker(7));
        svc.oneshot(r).await.unwrap();
        let hops = hops.lock().unwrap();
        assert_eq!(
            *hops,
            [
                (Some(Marker(7)), false, false),
                (Some(Marker(7)), false, false),
                (Some(Marker(7)), true, true),
            ]
        );
    }

    #[tokio::test]
    async fn caller_credentials_stay_dropped_on_later_same_origin_hops() {
        // a.test -> b.test/one -> b.test/two: the second hop is same-origin,
        // but the chain has left a.test, so the caller's header stays out.
        let seen = Seen::default();
        let log = seen.clone();
        let svc = FollowRedirectLayer::new().layer(tower::service_fn(move |req: HttpRequest| {
            log.lock().unwrap().push((
                req.method().to_string(),
                req.uri().to_string(),
                req.headers().contains_key(AUTHORIZATION) || req.headers().contains_key(COOKIE),
            ));
            let next = match (req.uri().host(), req.uri().path()) {
                (Some("a.test"), _) => Some("http://b.test/one"),
                (Some("b.test"), "/one") => Some("http://b.test/two"),
                _ => None,
            };
            let resp = match next {
                Some(location) => http::Response::builder()
                    .status(307)
                    .header("location", location)
                    .body(ResponseBody::empty()),
                None => http::Response::builder().body(ResponseBody::empty()),
            };
            async move { Ok::<_, BoxError>(resp.unwrap()) }
        }));
        let mut r = req("/start");
        r.headers_mut()
            .insert(COOKIE, http::HeaderValue::from_static("session=1"));
        svc.oneshot(r).await.unwrap();
        let with_credentials: Vec<bool> = seen.lock().unwrap().iter().map(|s| s.2).collect();
        assert_eq!(with_credentials, [true, false, false]);
    }
    #[test]
    fn locations_resolve_as_rfc_3986_says() {
        // RFC 3986 5.4.1 and 5.4.2, without the fragments (dropped) and the
        // non-http schemes (not followed).
        let base: Uri = "http://a/b/c/d;p?q".parse().unwrap();
        let cases = [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g/"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q"),
            ("g#s", "http://a/b/c/g"),
            (";x", "http://a/b/c/;x"),
            ("g;x?y#s", "http://a/b/c/g;x?y"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("https://other.test:8443/x?y", "https://other.test:8443/x?y"),
        ];
        for (reference, expected) in cases {
            let got = resolve(&base, reference).map(|u| u.to_string());
            assert_eq!(got.as_deref(), Some(expected), "{reference:?}");
        }
        for unusable in [
            "g:h",
            "ftp://a/b",
            "mailto:x@y.test",
            "http://",
            "http:///path",
        ] {
            assert_eq!(resolve(&base, unusable), None, "{unusable:?}");
        }
    }

    #[test]
    fn case_18_14_origins_fill_in_default_ports_and_ignore_host_case() {
        let origin = Origin::of(&"https://origin.test/x".parse().unwrap());
        assert!(origin.holds(&"https://ORIGIN.test:443/y".parse().unwrap()));
        assert!(!origin.holds(&"http://origin.test/x".parse().unwrap()));
        assert!(!origin.holds(&"https://origin.test:8443/x".parse().unwrap()));
        assert!(!origin.holds(&"https://other.test/x".parse().unwrap()));
    }

    #[test]
    fn methods_change_as_httpx_changes_them() {
        use StatusCode as S;
        let cases = [
            (S::MOVED_PERMANENTLY, Method::POST, Some(Method::GET)),
            (S::MOVED_PERMANENTLY, Method::PUT, Some(Method::PUT)),
            (S::FOUND, Method::PUT, Some(Method::GET)),
            (S::FOUND, Method::HEAD, Some(Method::HEAD)),
            (S::SEE_OTHER, Method::DELETE, Some(Method::GET)),
            (S::SEE_OTHER, Method::HEAD, Some(Method::HEAD)),
            (S::TEMPORARY_REDIRECT, Method::POST, Some(Method::POST)),
            (S::PERMANENT_REDIRECT, Method::PATCH, Some(Method::PATCH)),
            (S::MULTIPLE_CHOICES, Method::GET, None),
            (S::NOT_MODIFIED, Method::GET, None),
        ];
        for (status, method, expected) in cases {
            assert_eq!(
                redirect_method(status, &method),
                expected,
                "{status} {method}"
            );
        }
    }

    /// Method, URI, body length and whether `Content-Length` was sent, per hop.
    type HopLog = Arc<Mutex<Vec<(String, String, usize, bool)>>>;

    /// A service answering every request with a redirect to `location`
    /// (relative to the request) until the path is `/end`, and logging
    /// method, URI, body and `Content-Length` of each hop.
    fn looping(
        status: u16,
        location: &'static str,
        log: HopLog,
    ) -> impl tower::Service<
        HttpRequest,
        Response = crate::HttpResponse,
        Error = BoxError,
        Future = impl Send,
    > + Clone {
        tower::service_fn(move |req: HttpRequest| {
            log.lock().unwrap().push((
                req.method().to_string(),
                req.uri().to_string(),
                req.body().as_bytes().map_or(0, |b| b.len()),
                req.headers().contains_key(CONTENT_LENGTH),
            ));
            let resp = if req.uri().path() == "/end" {
                http::Response::builder().body(ResponseBody::empty())
            } else {
                http::Response::builder()
                    .status(status)
                    .header("location", location)
                    .body(ResponseBody::empty())
            };
            async move { Ok::<_, BoxError>(resp.unwrap()) }
        })
    }

    #[tokio::test]
    async fn a_303_sends_a_get_without_the_body_and_its_length() {
        let log = Arc::default();
        let svc = FollowRedirectLayer::new().layer(looping(303, "../end", Arc::clone(&log)));
        let mut r = req("/a/b");
        r.headers_mut()
            .insert(CONTENT_LENGTH, http::HeaderValue::from_static("2"));
        let resp = svc.oneshot(r).await.unwrap();
        assert_eq!(resp.status(), 200);
        let log = log.lock().unwrap();
        assert_eq!(log[0], ("POST".into(), "http://a.test/a/b".into(), 2, true));
        assert_eq!(log[1], ("GET".into(), "http://a.test/end".into(), 0, false));
    }

    #[tokio::test]
    async fn a_308_sends_the_same_method_and_body_again() {
        let log = Arc::default();
        let svc = FollowRedirectLayer::new().layer(looping(308, "/end?x=1", Arc::clone(&log)));
        svc.oneshot(req("/start")).await.unwrap();
        let log = log.lock().unwrap();
        assert_eq!(
            log[1],
            ("POST".into(), "http://a.test/end?x=1".into(), 2, false)
        );
    }

    #[tokio::test]
    async fn twenty_redirects_are_followed_and_the_next_comes_back() {
        let log = Arc::default();
        let svc = FollowRedirectLayer::new().layer(looping(307, "/again", Arc::clone(&log)));
        let resp = svc.oneshot(req("/start")).await.unwrap();
        assert_eq!(resp.status(), 307);
        assert_eq!(log.lock().unwrap().len(), usize::from(MAX_REDIRECTS) + 1);
    }

    #[tokio::test]
    async fn an_unusable_location_comes_back_as_is() {
        let log = Arc::default();
        let svc =
            FollowRedirectLayer::new().layer(looping(302, "ftp://a.test/end", Arc::clone(&log)));
        let resp = svc.oneshot(req("/start")).await.unwrap();
        assert_eq!(resp.status(), 302);
        assert_eq!(log.lock().unwrap().len(), 1);
    }
}
