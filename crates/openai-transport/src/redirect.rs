//! Following redirects, as the official SDK's HTTP client does by default.
//!
//! `reference/client.md` 12: up to 20 redirects; 301/302/303 turn the method
//! into `GET` (tower-http's standard handling). A request carrying
//! [`FollowRedirects(false)`](FollowRedirects) gets the 3xx response back
//! instead (Python's `follow_redirects=False`).
//!
//! Once a redirect leaves the origin of the first request, no later request of
//! the chain carries credentials: `Authorization`, `Cookie` and
//! `Proxy-Authorization` headers are dropped, and the redirected requests omit
//! (through [`OmitHeaders`]) `Authorization` and `api-key`, so the auth layer
//! below adds neither.
//!
//! Every redirected request gets the extensions of the first one back
//! (tower-http builds it anew), so its timeout, response mode, auth scope and
//! omitted headers still apply.

use http::Extensions;
use http::header::{AUTHORIZATION, COOKIE, HeaderName, PROXY_AUTHORIZATION};
use tower_http::follow_redirect::policy::{Action, Attempt, Limited, Policy};

use crate::headers::{API_KEY, OmitHeaders};
use crate::{Body, BoxError};

/// The redirect layer the stack uses.
pub type FollowRedirectLayer = tower_http::follow_redirect::FollowRedirectLayer<RedirectPolicy>;

/// Request extension: whether to follow redirects for this request. Default `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowRedirects(pub bool);

/// Headers that never follow a redirect chain once it has left its origin.
const CREDENTIALS: [HeaderName; 4] = [AUTHORIZATION, API_KEY, COOKIE, PROXY_AUTHORIZATION];

/// The redirect policy: at most 20 hops, switchable per request, credentials
/// kept within the first request's origin.
#[derive(Debug, Clone)]
pub struct RedirectPolicy {
    limit: Limited,
    enabled: bool,
    // The first request's extensions, once it has been seen.
    first: Option<Extensions>,
    // Whether a redirect of this chain has left the first request's origin.
    left_origin: bool,
}

impl RedirectPolicy {
    /// At most 20 redirects; credentials dropped across origins.
    pub fn new() -> Self {
        Self {
            limit: Limited::new(20),
            enabled: true,
            first: None,
            left_origin: false,
        }
    }

    /// The layer with this policy.
    pub fn layer() -> FollowRedirectLayer {
        FollowRedirectLayer::with_policy(Self::new())
    }
}

impl Default for RedirectPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl Policy<Body, BoxError> for RedirectPolicy {
    fn redirect(&mut self, attempt: &Attempt<'_>) -> Result<Action, BoxError> {
        if !self.enabled {
            return Ok(Action::Stop);
        }
        if !same_origin(attempt.previous(), attempt.location()) {
            self.left_origin = true;
        }
        Policy::<Body, BoxError>::redirect(&mut self.limit, attempt)
    }

    fn on_request(&mut self, request: &mut http::Request<Body>) {
        match &self.first {
            None => {
                if let Some(FollowRedirects(follow)) = request.extensions().get() {
                    self.enabled = *follow;
                }
                self.first = Some(request.extensions().clone());
            }
            Some(first) => {
                *request.extensions_mut() = first.clone();
                // tower-http rebuilds every hop from the first request's
                // headers, so the rule is applied to each hop after the chain
                // left the origin, including later same-origin hops: the
                // caller's own credential headers are dropped, and the layers
                // below are told not to add theirs.
                if self.left_origin {
                    let mut omit = request
                        .extensions_mut()
                        .remove::<OmitHeaders>()
                        .unwrap_or_default();
                    for name in CREDENTIALS {
                        request.headers_mut().remove(&name);
                        omit.insert(name);
                    }
                    request.extensions_mut().insert(omit);
                }
            }
        }
    }

    fn clone_body(&self, body: &Body) -> Option<Body> {
        body.try_clone()
    }
}

/// Same scheme, host and port (the scheme's default when none is written).
fn same_origin(a: &http::Uri, b: &http::Uri) -> bool {
    fn port(u: &http::Uri) -> Option<u16> {
        u.port_u16().or(match u.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        })
    }
    a.scheme() == b.scheme()
        && a.host().map(str::to_ascii_lowercase) == b.host().map(str::to_ascii_lowercase)
        && port(a) == port(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HttpRequest, ResponseBody};
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
    async fn follows_302_as_get() {
        let seen = Seen::default();
        let svc = RedirectPolicy::layer().layer(service(seen.clone()));
        let resp = svc.oneshot(req("/redirect")).await.unwrap();
        assert_eq!(resp.status(), 200);
        let seen = seen.lock().unwrap();
        assert_eq!(seen[1].0, "GET");
        assert_eq!(seen[1].1, "http://a.test/redirected");
        assert!(seen[1].2, "same origin keeps credentials");
    }

    #[tokio::test]
    async fn cross_origin_drops_credentials() {
        let seen = Seen::default();
        let svc = RedirectPolicy::layer().layer(service(seen.clone()));
        svc.oneshot(req("/away")).await.unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen[1].1, "http://b.test/final");
        assert_eq!(seen[1].0, "POST", "307 keeps the method");
        assert!(!seen[1].2, "credentials must not cross origins");
    }

    #[tokio::test]
    async fn can_be_disabled_per_request() {
        let seen = Seen::default();
        let svc = RedirectPolicy::layer().layer(service(seen.clone()));
        let mut r = req("/redirect");
        r.extensions_mut().insert(FollowRedirects(false));
        let resp = svc.oneshot(r).await.unwrap();
        assert_eq!(resp.status(), 302);
        assert_eq!(seen.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn hops_keep_extensions_and_omit_credentials_after_leaving_the_origin() {
        #[derive(Clone, Debug, PartialEq)]
        struct Marker(u8);
        type Hops = Arc<Mutex<Vec<(Option<Marker>, bool, bool)>>>;
        let hops = Hops::default();
        let seen = hops.clone();
        let svc = RedirectPolicy::layer().layer(tower::service_fn(move |req: HttpRequest| {
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
        let svc = RedirectPolicy::layer().layer(tower::service_fn(move |req: HttpRequest| {
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
}
