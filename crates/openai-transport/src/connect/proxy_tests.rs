//! Every kind of proxy, end to end: real proxies in process on 127.0.0.1
//! (an HTTP proxy over plain TCP or TLS that forwards and tunnels, a SOCKS5
//! proxy with and without credentials) in front of a plain HTTP target and a
//! TLS one, so each request really crosses the proxy.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::BodyExt;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tower::ServiceExt;

use super::test_support::Server;
use super::{HttpClient, HttpClientBuilder};
use crate::Body;

const CA: &[u8] = include_bytes!("../../tests/data/test-ca.pem");
const CERT: &[u8] = include_bytes!("../../tests/data/localhost.pem");
const KEY: &[u8] = include_bytes!("../../tests/data/localhost.key");

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A client configuration that trusts the test CA only.
fn client_tls() -> rustls::ClientConfig {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(CA) {
        roots.add(cert.unwrap()).unwrap();
    }
    rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth()
}

fn acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(CERT)
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Accepts on 127.0.0.1, over TLS when `tls`, and hands each connection to
/// `handle`; records what `handle` reports.
struct Listener {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl Listener {
    async fn start<F, Fut>(tls: bool, handle: F) -> Self
    where
        F: Fn(Box<dyn Io>, Arc<Mutex<Vec<String>>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let handle = Arc::new(handle);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (record, handle) = (record.clone(), handle.clone());
                tokio::spawn(async move {
                    let io: Box<dyn Io> = if tls {
                        match acceptor().accept(stream).await {
                            Ok(s) => Box::new(s),
                            Err(e) => {
                                record.lock().unwrap().push(format!("tls error: {e}"));
                                return;
                            }
                        }
                    } else {
                        Box::new(stream)
                    };
                    handle(io, record).await;
                });
            }
        });
        Self { addr, seen, task }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_head(io: &mut Box<dyn Io>) -> Option<String> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        if io.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// An HTTP proxy (over TLS when `tls`): `CONNECT` tunnels, absolute-form
/// requests are forwarded. Records each request head.
async fn http_proxy(tls: bool) -> Listener {
    Listener::start(tls, |mut io, seen| async move {
        let Some(head) = read_head(&mut io).await else {
            return;
        };
        seen.lock().unwrap().push(head.clone());
        let target = head
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        if head.starts_with("CONNECT ") {
            let Ok(mut upstream) = TcpStream::connect(loopback(&target)).await else {
                return;
            };
            io.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await
                .unwrap();
            let _ = tokio::io::copy_bidirectional(&mut io, &mut upstream).await;
        } else {
            let authority = target.split('/').nth(2).unwrap_or_default().to_owned();
            let Ok(mut upstream) = TcpStream::connect(loopback(&authority)).await else {
                return;
            };
            upstream.write_all(head.as_bytes()).await.unwrap();
            let _ = tokio::io::copy_bidirectional(&mut io, &mut upstream).await;
        }
    })
    .await
}

/// Every target in these tests listens on 127.0.0.1: `host:port` → that port there.
fn loopback(authority: &str) -> SocketAddr {
    let port = authority.rsplit(':').next().unwrap().parse().unwrap();
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// A SOCKS5 proxy (RFC 1928), requiring `credentials` (RFC 1929) when given.
/// Records `connect <address>` per tunnel: `name localhost:80` or
/// `ip 127.0.0.1:80`, or `auth refused`.
async fn socks5_proxy(credentials: Option<(&'static str, &'static str)>) -> Listener {
    Listener::start(false, move |mut io, seen| async move {
        let mut greeting = [0u8; 2];
        io.read_exact(&mut greeting).await.unwrap();
        assert_eq!(greeting[0], 5, "SOCKS version");
        let mut methods = vec![0u8; usize::from(greeting[1])];
        io.read_exact(&mut methods).await.unwrap();
        if let Some((user, password)) = credentials {
            assert!(methods.contains(&2), "username/password offered");
            io.write_all(&[5, 2]).await.unwrap();
            let mut version_len = [0u8; 2];
            io.read_exact(&mut version_len).await.unwrap();
            let mut got_user = vec![0u8; usize::from(version_len[1])];
            io.read_exact(&mut got_user).await.unwrap();
            let mut len = [0u8; 1];
            io.read_exact(&mut len).await.unwrap();
            let mut got_password = vec![0u8; usize::from(len[0])];
            io.read_exact(&mut got_password).await.unwrap();
            if got_user != user.as_bytes() || got_password != password.as_bytes() {
                seen.lock().unwrap().push("auth refused".to_owned());
                io.write_all(&[1, 1]).await.unwrap();
                return;
            }
            io.write_all(&[1, 0]).await.unwrap();
        } else {
            assert!(methods.contains(&0), "no authentication offered");
            io.write_all(&[5, 0]).await.unwrap();
        }
        let mut request = [0u8; 4];
        io.read_exact(&mut request).await.unwrap();
        assert_eq!(&request[..3], &[5, 1, 0], "CONNECT");
        let address = match request[3] {
            1 => {
                let mut ip = [0u8; 4];
                io.read_exact(&mut ip).await.unwrap();
                format!("ip {}", std::net::Ipv4Addr::from(ip))
            }
            3 => {
                let mut len = [0u8; 1];
                io.read_exact(&mut len).await.unwrap();
                let mut name = vec![0u8; usize::from(len[0])];
                io.read_exact(&mut name).await.unwrap();
                format!("name {}", String::from_utf8(name).unwrap())
            }
            4 => {
                let mut ip = [0u8; 16];
                io.read_exact(&mut ip).await.unwrap();
                format!("ip {}", std::net::Ipv6Addr::from(ip))
            }
            other => panic!("address type {other}"),
        };
        let mut port = [0u8; 2];
        io.read_exact(&mut port).await.unwrap();
        let port = u16::from_be_bytes(port);
        seen.lock()
            .unwrap()
            .push(format!("connect {address}:{port}"));
        let mut upstream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        io.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])
            .await
            .unwrap();
        let _ = tokio::io::copy_bidirectional(&mut io, &mut upstream).await;
    })
    .await
}

/// A TLS server for `localhost`/`127.0.0.1` in front of `target`.
async fn tls_front(target: SocketAddr) -> Listener {
    Listener::start(true, move |mut io, _| async move {
        let Ok(mut upstream) = TcpStream::connect(target).await else {
            return;
        };
        let _ = tokio::io::copy_bidirectional(&mut io, &mut upstream).await;
    })
    .await
}

fn client(proxy: &str) -> HttpClient {
    HttpClientBuilder::new()
        .tls_config(client_tls())
        .proxy_with_no_proxy(proxy, "")
        .build()
        .unwrap()
}

async fn get(client: &HttpClient, url: &str) -> Result<String, crate::BoxError> {
    let request = http::Request::get(url).body(Body::empty()).unwrap();
    let response = client.clone().oneshot(request).await?;
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await?.to_bytes();
    Ok(String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn an_https_proxy_forwards_http_targets_over_tls_with_credentials() {
    let target = Server::start("through the proxy").await;
    let proxy = http_proxy(true).await;
    let client = client(&format!(
        "https://user:secret@localhost:{}",
        proxy.addr.port()
    ));
    let body = get(&client, &target.url("/v1/models")).await.unwrap();
    assert_eq!(body, "through the proxy");
    let head = &proxy.seen()[0];
    assert!(
        head.starts_with(&format!("GET {} HTTP/1.1", target.url("/v1/models"))),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("proxy-authorization: basic dxnlcjpzzwnyzxq="),
        "{head}"
    );
}

#[tokio::test]
async fn an_https_proxy_tunnels_https_targets_tls_in_tls() {
    let server = Server::start("tls in tls").await;
    let target = tls_front(server_addr(&server)).await;
    let proxy = http_proxy(true).await;
    let client = client(&format!(
        "https://user:secret@127.0.0.1:{}",
        proxy.addr.port()
    ));
    let url = format!("https://localhost:{}/v1/models", target.addr.port());
    assert_eq!(get(&client, &url).await.unwrap(), "tls in tls");
    let head = &proxy.seen()[0];
    assert!(
        head.starts_with(&format!(
            "CONNECT localhost:{} HTTP/1.1",
            target.addr.port()
        )),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("proxy-authorization: basic ")
    );
    // The target saw only the request, never the proxy's credentials.
    assert!(
        server
            .heads()
            .iter()
            .all(|h| !h.to_ascii_lowercase().contains("proxy-"))
    );
}

#[tokio::test]
async fn an_https_proxy_with_an_untrusted_certificate_fails_to_connect() {
    let target = Server::start("never").await;
    let proxy = http_proxy(true).await;
    // The default roots do not include the test CA.
    let client = HttpClientBuilder::new()
        .proxy_with_no_proxy(&format!("https://127.0.0.1:{}", proxy.addr.port()), "")
        .build()
        .unwrap();
    let err = get(&client, &target.url("/")).await.unwrap_err();
    assert!(
        format!("{err:?}").to_lowercase().contains("certificate"),
        "{err:?}"
    );
    assert_eq!(target.connections(), 0);
}

#[tokio::test]
async fn socks5h_sends_the_name_and_socks5_the_address() {
    let target = Server::start("through socks").await;
    let url = format!("http://localhost:{}/v1/models", target.port());
    for (scheme, expected) in [("socks5h", "name localhost"), ("socks5", "ip ")] {
        let proxy = socks5_proxy(None).await;
        let client = client(&format!("{scheme}://127.0.0.1:{}", proxy.addr.port()));
        assert_eq!(get(&client, &url).await.unwrap(), "through socks");
        let seen = proxy.seen();
        assert!(
            seen[0].starts_with(&format!("connect {expected}")),
            "{scheme}: {seen:?}"
        );
        assert!(
            seen[0].ends_with(&format!(":{}", target.port())),
            "{seen:?}"
        );
        // The request itself is in origin form, as if direct.
        let head = target.heads().pop().unwrap();
        assert!(head.starts_with("GET /v1/models HTTP/1.1"), "{head}");
    }
}

#[tokio::test]
async fn socks5_sends_the_credentials_of_the_url_and_tunnels_https() {
    let server = Server::start("secure socks").await;
    let target = tls_front(server_addr(&server)).await;
    let proxy = socks5_proxy(Some(("alice", "s3cret"))).await;
    let url = format!("https://localhost:{}/", target.addr.port());

    let good = client(&format!(
        "socks5h://alice:s3cret@127.0.0.1:{}",
        proxy.addr.port()
    ));
    assert_eq!(get(&good, &url).await.unwrap(), "secure socks");
    assert_eq!(
        proxy.seen(),
        [format!("connect name localhost:{}", target.addr.port())]
    );

    let bad = client(&format!(
        "socks5h://alice:wrong@127.0.0.1:{}",
        proxy.addr.port()
    ));
    let err = get(&bad, &url).await.unwrap_err();
    assert!(
        hyper_util::client::legacy::Error::is_connect(err.downcast_ref().unwrap()),
        "{err:?}"
    );
    assert_eq!(proxy.seen().last().unwrap(), "auth refused");
}

fn server_addr(server: &Server) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], server.port()))
}
