//! Managing HTTP resources (Python README: "Managing HTTP resources"): a
//! `Client` owns a connection pool, and the pool closes when the last clone
//! of the client is dropped; there is no `close()` to forget. Clones and
//! `with_options` copies are cheap and share the pool; scope a client (or
//! `drop` it) to close its connections early.
//!
//! ```text
//! cargo run --example resource_cleanup
//! ```
//!
//! With `OPENAI_API_KEY` set it calls the real API (`OPENAI_BASE_URL` and
//! `OPENAI_MODEL` are honoured). Without it, it starts the bundled mock
//! server in process behind a small TCP relay that counts connections, to
//! show the pool at work.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use openai::prelude::*;
use tokio::net::{TcpListener, TcpStream};

async fn ask(client: &Client, question: &str) -> Result<(), openai::Error> {
    let completion = client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams::new(
            openai_examples::model(),
            [ChatMessage::user(question)],
        ))
        .await?;
    println!(
        "  {}",
        completion.choices[0]
            .message
            .content
            .as_deref()
            .unwrap_or_default()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (_, mock) = openai_examples::client().await?;
    // Without a key: the mock, behind a relay that counts connections.
    let relayed = match &mock {
        Some(server) => Some(relay(server.addr()).await?),
        None => None,
    };
    let make_client = || match &relayed {
        Some((addr, _)) => Client::builder()
            .api_key("mock-key")
            .base_url(format!("http://{addr}/v1"))
            .build(),
        None => Client::from_env(),
    };
    let opened = || {
        relayed
            .as_ref()
            .map(|(_, count)| count.load(Ordering::SeqCst))
    };

    {
        let client = make_client()?;
        let clone = client.clone();
        let copy = client.with_options(RequestOptions::new().max_retries(5));
        println!("three calls through a client, its clone and a with_options copy:");
        ask(&client, "one").await?;
        settle().await;
        ask(&clone, "two").await?;
        settle().await;
        ask(&copy, "three").await?;
        println!("connections opened so far: {:?}", opened());
        // The end of the scope drops all three: the pool and its idle
        // connection close here (Python: client.close(), or `with`).
    }

    let client = make_client()?;
    println!("a new client, a new pool:");
    ask(&client, "four").await?;
    drop(client); // closes its connections now
    println!("connections opened in all: {:?}", opened());

    if mock.is_some() {
        openai_examples::ensure(opened() == Some(2), "one connection per pool")?;
    }
    Ok(())
}

/// A connection goes back to its pool once the client has read the whole
/// answer and the connection's task has seen it end, which happens on the
/// runtime a moment after the call returns; a call sent in that moment
/// opens a second connection. The pause keeps the count of this
/// demonstration exact on a loaded machine; real code needs none.
async fn settle() {
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
}

/// Listens on a free local port and relays every connection to `target`,
/// counting the connections.
async fn relay(
    target: std::net::SocketAddr,
) -> std::io::Result<(std::net::SocketAddr, Arc<AtomicUsize>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(target).await {
                    // Ends when either side closes.
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    Ok((addr, count))
}
