//! The SQLite write lane: one thread that runs every unit of work holding the writer.
//!
//! A SQLite file has one writer connection, and a unit of work holds it across awaits (the
//! lock's answer, the domain's decision, the save). Run on the server's async workers, the task
//! holding it waits to be polled behind whatever else those workers are doing (HTTP parsing,
//! JSON, pricing, other requests), and the writer waits with it. On the lane, a dedicated thread
//! that does nothing else, the holder resumes as soon as its statement is answered. Units still
//! interleave on the lane while they wait for the writer; only the time holding it shrinks.
//!
//! The lane runs a unit to completion even when the request that started it is gone: a change
//! either commits or rolls back, never stops halfway. PostgreSQL and an in-memory SQLite
//! database have no lane: their units run as tasks of the caller's runtime, also to completion.

use std::future::Future;
use std::sync::Arc;

use tokio::runtime::{Builder, Handle};
use tokio::sync::oneshot;

/// A handle to the lane's runtime (cheap to clone). The thread ends, dropping whatever is left
/// on it, when the last handle is dropped.
#[derive(Clone, Debug)]
pub(super) struct WriteLane {
    handle: Handle,
    /// Dropped with the last handle, which lets the thread finish.
    _alive: Arc<oneshot::Sender<()>>,
}

impl WriteLane {
    pub(super) fn start() -> std::io::Result<WriteLane> {
        let runtime = Builder::new_current_thread().enable_all().build()?;
        let handle = runtime.handle().clone();
        let (alive, gone) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-write-lane".into())
            .spawn(move || {
                // Resolves (with an error) once every handle is gone.
                let _ = runtime.block_on(gone);
            })?;
        Ok(WriteLane {
            handle,
            _alive: Arc::new(alive),
        })
    }

    /// The lane's runtime, for tasks that live on it.
    pub(super) fn handle(&self) -> &Handle {
        &self.handle
    }

    pub(super) async fn run<F, T>(&self, unit: F) -> T
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        match self.handle.spawn(unit).await {
            Ok(value) => value,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("the SQLite write lane stopped: {e}"),
        }
    }
}
