//! Test helpers: a tiny keep-alive HTTP/1.1 server and a fake proxy, both on
//! 127.0.0.1 and on the test's own runtime (a server on another runtime would
//! let a paused clock jump while I/O is in flight).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub(super) use crate::error::find_source as find;

/// Answers every request with `200 OK` and a fixed body, keeping connections
/// open; counts accepted connections and records request heads.
pub(super) struct Server {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl Server {
    pub(super) async fn start(body: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (count, record) = (connections.clone(), heads.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                let record = record.clone();
                tokio::spawn(async move {
                    while let Some(head) = read_head(&mut stream).await {
                        record.lock().unwrap().push(head);
                        if stream.write_all(response(body).as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self {
            addr,
            connections,
            heads,
            task,
        }
    }

    /// A port nothing listens on (at least right now).
    pub(super) async fn unused_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    }

    pub(super) fn port(&self) -> u16 {
        self.addr.port()
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(super) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub(super) fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A fake proxy: reads one request head per connection and records it, then
/// answers `200 OK` with `reply` and closes, or (`None`) holds the connection
/// silently until [`Proxy::close`].
pub(super) struct Proxy {
    addr: SocketAddr,
    heads: tokio::sync::Mutex<mpsc::UnboundedReceiver<String>>,
    task: JoinHandle<()>,
}

impl Proxy {
    pub(super) async fn start(reply: Option<&'static str>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        // Connections are handled inline so that aborting the task drops them.
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let Some(head) = read_head(&mut stream).await else {
                    continue;
                };
                let _ = tx.send(head);
                match reply {
                    Some(body) => {
                        let _ = stream.write_all(response(body).as_bytes()).await;
                    }
                    None => held.push(stream),
                }
            }
        });
        Self {
            addr,
            heads: tokio::sync::Mutex::new(rx),
            task,
        }
    }

    pub(super) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(super) fn url_with_auth(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// The next request head the proxy received.
    pub(super) async fn head(&self) -> String {
        self.heads.lock().await.recv().await.unwrap()
    }

    /// Closes every connection and stops listening.
    #[cfg_attr(
        not(any(feature = "rustls", feature = "native-tls")),
        allow(dead_code) // used by https tests only
    )]
    pub(super) fn close(&self) {
        self.task.abort();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A plain-TCP server where https is expected: on each connection it reads
/// the first TLS record the client sends (its ClientHello) and records it,
/// answers with a plain HTTP response, which no TLS client accepts as a
/// handshake, and closes.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
pub(super) struct NotTls {
    addr: SocketAddr,
    hellos: Arc<Mutex<Vec<Vec<u8>>>>,
    task: JoinHandle<()>,
}

#[cfg(any(feature = "rustls", feature = "native-tls"))]
impl NotTls {
    pub(super) async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hellos = Arc::new(Mutex::new(Vec::new()));
        let record = hellos.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let hello = read_tls_record(&mut stream).await;
                record.lock().unwrap().push(hello);
                let _ = stream.write_all(response("not tls").as_bytes()).await;
                let _ = stream.shutdown().await;
            }
        });
        Self { addr, hellos, task }
    }

    pub(super) fn https_url(&self) -> String {
        format!("https://{}/", self.addr)
    }

    /// The first TLS record of each connection so far.
    pub(super) fn hellos(&self) -> Vec<Vec<u8>> {
        self.hellos.lock().unwrap().clone()
    }
}

#[cfg(any(feature = "rustls", feature = "native-tls"))]
impl Drop for NotTls {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one TLS record: a 5-byte header whose last two bytes are the length
/// of what follows. Returns what was read at end of stream.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
async fn read_tls_record(stream: &mut TcpStream) -> Vec<u8> {
    let mut record = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if record.len() >= 5 {
            let len = usize::from(u16::from_be_bytes([record[3], record[4]]));
            if record.len() >= 5 + len {
                return record;
            }
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return record,
            Ok(n) => record.extend_from_slice(&buf[..n]),
        }
    }
}

fn response(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Reads up to the blank line ending a request head; `None` at end of stream.
/// Requests in these tests have no body.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}
