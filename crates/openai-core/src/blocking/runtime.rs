//! The runtime thread of a blocking client.

use std::future::Future;
use std::sync::mpsc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::error::{ConfigError, Error, InvalidRequestError};

/// A current-thread tokio runtime on its own thread, running the calls of
/// one blocking client (and its clones) until dropped.
pub(crate) struct Runtime {
    handle: tokio::runtime::Handle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Runtime {
    /// Starts the thread.
    pub(crate) fn start() -> Result<Self, Error> {
        let fail = |e: std::io::Error| {
            Error::Config(ConfigError::new(format!(
                "cannot start the blocking client's runtime: {e}"
            )))
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(fail)?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("openai-blocking".to_owned())
            .spawn(move || {
                runtime.block_on(async {
                    // Either a stop or the sender dropped: both end the thread.
                    let _ = stopped.await;
                });
            })
            .map_err(fail)?;
        Ok(Self {
            handle,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Runs `future` on the runtime thread and waits for its output.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when called from inside an async runtime
    /// (it would block that runtime's thread), or when the runtime stopped.
    pub(crate) fn run<F>(&self, future: F) -> Result<F::Output, Error>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::InvalidRequest(InvalidRequestError::new(
                "the blocking client was called inside an async runtime, whose thread it would block; use `Client` (the async client) and `.await` there",
            )));
        }
        let (done, output) = mpsc::sync_channel(1);
        self.handle.spawn(async move {
            let _ = done.send(future.await);
        });
        output.recv().map_err(|_| {
            Error::InvalidRequest(InvalidRequestError::new(
                "the blocking client's runtime has stopped",
            ))
        })
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The thread only waits for the stop signal; it ends promptly.
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}
