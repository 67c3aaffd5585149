//! Following redirects, as the official SDK's HTTP client does by default.
//!
//! `reference/client.md` 12: up to 20 redirects; 301/302/303 turn the method
//! into `GET` (tower-http's standard handling); on a redirect to another
//! origin, `Authorization`, `Cookie` and `Proxy-Authorization` are dropped.
//! A request carrying [`FollowRedirects(false)`](FollowRedirects) gets the 3xx
//! response back instead (Python's `follow_redirects=False`).

use tower_http::follow_redirect::policy::{
    Action, Attempt, FilterCredentials, Limited, Policy, PolicyExt,
};

use crate::{Body, BoxError};

/// The redirect layer the stack uses.
pub type FollowRedirectLayer = tower_http::follow_redirect::FollowRedirectLayer<RedirectPolicy>;

/// Request extension: whether to follow redirects for this request. Default `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowRedirects(pub bool);

/// The redirect policy: tower-http's standard one, switchable per request.
#[derive(Debug, Clone)]
pub struct RedirectPolicy {
    standard: tower_http::follow_redirect::policy::And<Limited, FilterCredentials>,
    enabled: bool,
}

impl RedirectPolicy {
    /// At most 20 redirects; credentials dropped across origins.
    pub fn new() -> Self {
        Self {
            standard: PolicyExt::and::<_, Body, BoxError>(
                Limited::new(20),
                FilterCredentials::new(),
            ),
            enabled: true,
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
        Policy::<Body, BoxError>::redirect(&mut self.standard, attempt)
    }

    fn on_request(&mut self, request: &mut http::Request<Body>) {
        if let Some(FollowRedirects(follow)) = request.extensions().get() {
            self.enabled = *follow;
        }
        Policy::<Body, BoxError>::on_request(&mut self.standard, request);
    }

    fn clone_body(&self, body: &Body) -> Option<Body> {
        body.try_clone()
    }
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
}
