//! [`HttpClientBuilder`]: settings of the pooled client, checked at `build()`.

use std::fmt;
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::HttpClient;
use super::connector::Connector;
use super::error::ConfigError;
use super::proxy::{Proxies, ProxyConnector};
use super::proxy_tls::ProxyTls;
use super::transport::{TlsSettings, Transport};

/// reference/client.md: timeouts (connect 5 s).
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// hyper-util's default; see the `pool_idle_timeout` docs.
const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// reference/client.md: HTTP client configuration (`max_keepalive_connections=100`).
const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 100;

/// Builds an [`HttpClient`].
///
/// Setters never panic: a bad value is recorded and returned by
/// [`build`](Self::build).
#[must_use]
pub struct HttpClientBuilder {
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    proxy: ProxySetting,
    tls: TlsSettings,
    error: Option<ConfigError>,
}

enum ProxySetting {
    Env,
    Disabled,
    /// `no_proxy: None` reads `NO_PROXY`/`no_proxy` at build time.
    Url {
        url: String,
        no_proxy: Option<String>,
    },
}

impl HttpClientBuilder {
    pub(super) fn new() -> Self {
        Self {
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
            proxy: ProxySetting::Env,
            tls: TlsSettings::default(),
            error: None,
        }
    }

    /// Limit on opening a connection: DNS, TCP, the proxy handshake and TLS.
    /// Past it the request fails with [`ConnectTimeout`](super::ConnectTimeout)
    /// in its `source()` chain. `None` means no limit.
    ///
    /// Default is 5 seconds.
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// Sends every http and https request through the proxy at `url`:
    ///
    /// - `http://[user:password@]host[:port]` (`host:port` alone means
    ///   `http://`): an HTTP proxy; credentials go in
    ///   `Proxy-Authorization: Basic`;
    /// - `https://...`: the same, over TLS to the proxy (with this client's
    ///   TLS backend and roots);
    /// - `socks5://` or `socks5h://[user:password@]host[:port]` (port 1080
    ///   unless given): a SOCKS5 proxy, with username and password
    ///   authentication when given; `socks5h` lets the proxy resolve the
    ///   target's name.
    ///
    /// This replaces `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY`, but hosts in
    /// `NO_PROXY` (or `no_proxy`) still go direct. Any other scheme makes
    /// [`build`](Self::build) fail. The last call of `proxy` or
    /// [`no_proxy`](Self::no_proxy) wins.
    ///
    /// Default is the proxy environment variables, read once by `build`.
    pub fn proxy(mut self, url: impl AsRef<str>) -> Self {
        let url = url.as_ref();
        if let Err(err) = check_proxy_url(url) {
            self.error.get_or_insert(err);
        }
        self.proxy = ProxySetting::Url {
            url: url.to_owned(),
            no_proxy: None,
        };
        self
    }

    /// Never uses a proxy, ignoring the proxy environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::Disabled;
        self
    }

    /// How long an unused connection stays in the pool. `None` keeps it until
    /// the server closes it.
    ///
    /// Default is 90 seconds.
    pub fn pool_idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.pool_idle_timeout = timeout.into();
        self
    }

    /// How many unused connections the pool keeps for each host.
    ///
    /// Default is 100.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// Uses `config` for https instead of the default (ring provider, the
    /// operating system's roots, plus Mozilla's with `webpki-roots`). This
    /// also selects rustls, as [`use_rustls`](Self::use_rustls) does.
    ///
    /// If `config.alpn_protocols` is empty it is set to `http/1.1` (with the
    /// `http2` feature, `h2` then `http/1.1`); otherwise it is kept, except
    /// that `h2` is dropped without the `http2` feature.
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls.rustls_config = Some(config);
        self.use_rustls()
    }

    /// Serves https through rustls.
    ///
    /// This is the default whenever the `rustls` feature is on, so it only
    /// matters to undo `use_native_tls` (feature `native-tls`): the last call
    /// of the two, or of [`tls_config`](Self::tls_config), wins.
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    pub fn use_rustls(mut self) -> Self {
        self.tls.native_tls = false;
        self
    }

    /// Serves https through native-tls: the platform's TLS library (OpenSSL
    /// on Linux, Secure Transport on macOS, SChannel on Windows) and its
    /// trust store. A `tls_config` (feature `rustls`) given before is then
    /// unused; the last call of this, `use_rustls` or `tls_config` wins.
    ///
    /// Default is rustls when the `rustls` feature is on too, native-tls
    /// otherwise.
    #[cfg(feature = "native-tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "native-tls")))]
    pub fn use_native_tls(mut self) -> Self {
        self.tls.native_tls = true;
        self
    }

    /// Only in tests: an explicit proxy with an explicit `NO_PROXY` list, so
    /// tests never depend on (or change) the process environment.
    #[cfg(test)]
    pub(crate) fn proxy_with_no_proxy(self, url: &str, no_proxy: &str) -> Self {
        let mut this = self.proxy(url);
        this.proxy = ProxySetting::Url {
            url: url.to_owned(),
            no_proxy: Some(no_proxy.to_owned()),
        };
        this
    }

    /// Builds the client. Proxy environment variables and the operating
    /// system's root certificates are read here (the certificates once per
    /// process).
    ///
    /// No runtime is needed to build; requests must run on a Tokio runtime.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] for a proxy URL given to [`proxy`](Self::proxy) that
    /// is not a valid `http://` URL, a TLS configuration rustls rejects, or a
    /// native-tls connector the platform's library fails to create. With
    /// rustls, finding no root certificates is not an error: the client then
    /// serves plain http and fails https requests with a message saying why.
    pub fn build(self) -> Result<HttpClient, ConfigError> {
        if let Some(err) = self.error {
            return Err(err);
        }
        let proxies = match self.proxy {
            ProxySetting::Env => Proxies::from_env(),
            ProxySetting::Disabled => Proxies::none(),
            ProxySetting::Url { url, no_proxy } => {
                let no_proxy = no_proxy.unwrap_or_else(no_proxy_from_env);
                Proxies::with_url(&url, &no_proxy)
            }
        };

        let mut http = HttpConnector::new();
        // The target may be https: TLS is layered above this connector.
        http.enforce_http(false);
        http.set_nodelay(true);
        // TLS to an https proxy, set up only when one may be used.
        let proxy_tls = if proxies.may_use_tls() {
            ProxyTls::new(http.clone(), &self.tls)?
        } else {
            ProxyTls::Unavailable("no https:// proxy is configured")
        };
        let tcp = ProxyConnector::new(http, proxies.clone(), proxy_tls);

        let pool = |transport: Transport, https| {
            Client::builder(TokioExecutor::new())
                // Without a timer hyper-util never evicts idle connections.
                .pool_timer(TokioTimer::new())
                .timer(TokioTimer::new())
                .pool_idle_timeout(self.pool_idle_timeout)
                .pool_max_idle_per_host(self.pool_max_idle_per_host)
                .build(Connector::new(transport, self.connect_timeout, https))
        };
        // With HTTP/2 the server may pick h2 for a connection, which cannot
        // carry an `Upgrade` (a WebSocket handshake): those requests get a
        // pool of their own whose TLS offers only HTTP/1.1.
        #[cfg(feature = "http2")]
        let upgrades = {
            let (transport, https) = Transport::new(tcp.clone(), self.tls.clone(), true)?;
            pool(transport, https)
        };
        let (transport, https) = Transport::new(tcp, self.tls, false)?;
        let backend = transport.backend();
        let client = pool(transport, https);
        Ok(HttpClient::from_parts(
            client,
            #[cfg(feature = "http2")]
            upgrades,
            proxies,
            self.connect_timeout,
            backend,
        ))
    }
}

impl Default for HttpClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for HttpClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("HttpClientBuilder");
        d.field("connect_timeout", &self.connect_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("proxy", &self.proxy)
            .field("tls", &self.tls.backend());
        #[cfg(feature = "rustls")]
        d.field("custom_tls_config", &self.tls.rustls_config.is_some());
        d.field("error", &self.error).finish()
    }
}

impl fmt::Debug for ProxySetting {
    // Proxy URLs may hold credentials: print them redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env => f.write_str("Env"),
            Self::Disabled => f.write_str("Disabled"),
            Self::Url { url, no_proxy } => f
                .debug_struct("Url")
                .field("url", &redact(url))
                .field("no_proxy", no_proxy)
                .finish(),
        }
    }
}

/// Same variables, same order as hyper-util's `Matcher::from_env`.
fn no_proxy_from_env() -> String {
    std::env::var("NO_PROXY")
        .or_else(|_| std::env::var("no_proxy"))
        .unwrap_or_default()
}

/// Accepts what hyper-util's matcher turns into an http proxy. Messages never
/// echo the URL: it may hold a password.
fn check_proxy_url(url: &str) -> Result<(), ConfigError> {
    let uri: Uri = url
        .parse()
        .map_err(|_| ConfigError::invalid_proxy("not a valid URL"))?;
    let supported = ["http", "https", "socks5", "socks5h"];
    if uri
        .scheme_str()
        .is_some_and(|s| !supported.iter().any(|ok| s.eq_ignore_ascii_case(ok)))
    {
        return Err(ConfigError::invalid_proxy(
            "unsupported scheme: use http://, https://, socks5:// or socks5h://",
        ));
    }
    let host = uri.authority().map(|a| a.host()).unwrap_or_default();
    if host.is_empty() {
        return Err(ConfigError::invalid_proxy("missing host"));
    }
    Ok(())
}

/// `scheme://user:password@host/..` → `scheme://***@host/..`.
fn redact(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_1_11_defaults() {
        let builder = HttpClientBuilder::default();
        assert_eq!(builder.connect_timeout, Some(Duration::from_secs(5)));
        assert_eq!(builder.pool_idle_timeout, Some(Duration::from_secs(90)));
        assert_eq!(builder.pool_max_idle_per_host, 100);
        assert!(matches!(builder.proxy, ProxySetting::Env));
    }

    #[test]
    fn debug_hides_proxy_credentials() {
        let builder = HttpClient::builder().proxy("http://user:secret@127.0.0.1:3128");
        let debug = format!("{builder:?}");
        assert!(debug.contains("http://***@127.0.0.1:3128"), "{debug}");
        assert!(!debug.contains("secret"), "{debug}");
        let client = builder.build().unwrap();
        let debug = format!("{client:?}");
        assert!(debug.contains("127.0.0.1:3128"), "{debug}");
        assert!(
            !debug.contains("secret") && !debug.contains("dXNlcjpzZWNyZXQ="),
            "{debug}"
        );
    }

    #[test]
    fn redacts_only_userinfo() {
        assert_eq!(redact("http://127.0.0.1:3128"), "http://127.0.0.1:3128");
        assert_eq!(redact("u:p@proxy:8080"), "***@proxy:8080");
        assert_eq!(redact("http://u:p@w@proxy/a@b"), "http://***@proxy/a@b");
    }

    #[test]
    fn every_supported_proxy_scheme_builds() {
        for url in [
            "http://u:p@127.0.0.1:3128",
            "HTTPS://127.0.0.1",
            "socks5://127.0.0.1",
            "socks5h://u:p@127.0.0.1:1080",
            "127.0.0.1:3128",
        ] {
            HttpClient::builder().proxy(url).build().expect(url);
        }
    }

    #[test]
    fn bad_proxy_urls_fail_build_without_echoing_them() {
        for url in [
            "socks4://user:secret@127.0.0.1:1080",
            "ftp://user:secret@127.0.0.1:3128",
            "http://",
            "http://user:secret@ bad host",
        ] {
            let err = HttpClient::builder().proxy(url).build().unwrap_err();
            assert!(err.is_proxy(), "{url}: {err:?}");
            assert!(!err.to_string().contains("secret"), "{url}: {err}");
            assert!(!format!("{err:?}").contains("secret"), "{url}: {err:?}");
        }
    }

    #[test]
    fn the_first_bad_value_is_kept() {
        let err = HttpClient::builder()
            .proxy("socks4://127.0.0.1:1080")
            .proxy("http://")
            .no_proxy()
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("unsupported scheme"), "{err}");
    }

    #[test]
    fn accepts_http_and_scheme_less_proxies() {
        for url in [
            "http://127.0.0.1:3128",
            "127.0.0.1:3128",
            "http://u:p@proxy.internal:8080",
        ] {
            HttpClient::builder().proxy(url).build().unwrap();
        }
    }
}
