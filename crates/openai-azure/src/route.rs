//! Azure's URLs (reference/azure.md section 4): deployment-scoped endpoints
//! go to `/deployments/{model}/...`, the others stay on the endpoint.

use std::collections::BTreeMap;

use openai_core::route::{Route, RouteRequest, Router};

/// The endpoints Azure serves per deployment (azure.md 4.2).
const DEPLOYMENT_PATHS: [&str; 8] = [
    "completions",
    "chat/completions",
    "embeddings",
    "audio/transcriptions",
    "audio/translations",
    "audio/speech",
    "images/generations",
    "images/edits",
];

/// Whether `path` (with or without its leading `/`) is deployment-scoped.
pub(crate) fn is_deployment_path(path: &str) -> bool {
    DEPLOYMENT_PATHS.contains(&path.trim_start_matches('/'))
}

/// The router of an Azure client.
#[derive(Debug, Clone)]
pub(crate) struct AzureRouter {
    /// The base URL's path holds `/deployments` (an `azure_deployment`, or
    /// a `base_url` naming one): deployment-scoped requests keep their path.
    pub(crate) base_has_deployment: bool,
    /// With `azure_deployment`: `<endpoint>/openai/`, where the other
    /// endpoints go (azure.md 4.3).
    pub(crate) endpoint_base: Option<String>,
    /// Model name -> deployment name (beyond Python).
    pub(crate) deployments: BTreeMap<String, String>,
    /// The `azure_deployment` of an endpoint-based client: the `deployment`
    /// of a Realtime handshake, whatever its model.
    pub(crate) deployment: Option<String>,
}

impl AzureRouter {
    /// A Realtime handshake (azure.md section 8): the endpoint's
    /// `/openai/realtime`, whose query names the `deployment` (the client's
    /// `azure_deployment`, else the model) instead of the `model`, after the
    /// caller's parameters and `api-version`.
    fn realtime(&self, request: &RouteRequest<'_>) -> Route {
        let model = request
            .query()
            .iter()
            .find(|(k, _)| k == "model")
            .map(|(_, v)| v);
        let deployment = match (&self.deployment, model) {
            (Some(deployment), _) => deployment.clone(),
            (None, Some(model)) => self.deployments.get(model).unwrap_or(model).clone(),
            (None, None) => {
                return Route::Reject(
                    "an Azure Realtime connection needs a deployment: set `.model(..)` \
                     on the connection or `azure_deployment` on the client"
                        .to_owned(),
                );
            }
        };
        let mut query: Vec<(String, String)> = request
            .query()
            .iter()
            .filter(|(k, _)| k != "model" && k != "deployment" && k != "api-version")
            .cloned()
            .collect();
        query.extend(
            request
                .query()
                .iter()
                .filter(|(k, _)| k == "api-version")
                .cloned(),
        );
        query.push(("deployment".to_owned(), deployment));
        let route = match &self.endpoint_base {
            Some(base) => Route::Url(format!("{base}realtime")),
            None => Route::Keep,
        };
        Route::WithQuery(Box::new(route), query)
    }
}

impl Router for AzureRouter {
    fn route(&self, request: &RouteRequest<'_>) -> Route {
        let path = request.path();
        if path.starts_with("http://") || path.starts_with("https://") {
            return Route::Keep;
        }
        if request.is_websocket() && path == "/realtime" {
            return self.realtime(request);
        }
        if !is_deployment_path(path) {
            return match &self.endpoint_base {
                Some(base) => Route::Url(format!("{base}{}", path.trim_start_matches('/'))),
                None => Route::Keep,
            };
        }
        if self.base_has_deployment {
            return Route::Keep;
        }
        let Some(model) = request.model() else {
            return Route::Keep;
        };
        let deployment = self.deployments.get(&model).unwrap_or(&model);
        match openai_core::url::path_segment("model", deployment) {
            Ok(segment) => Route::Path(format!(
                "/deployments/{segment}/{}",
                path.trim_start_matches('/')
            )),
            Err(openai_core::Error::InvalidRequest(e)) => Route::Reject(e.to_string()),
            Err(e) => Route::Reject(e.to_string()),
        }
    }
}
