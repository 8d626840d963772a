//! # ex25 · Don't block the runtime — reference solution
//!
//! `tokio::task::spawn_blocking` is `asyncio.to_thread`: it runs a closure on
//! tokio's blocking pool (threads kept apart from the runtime's, started as
//! needed) and gives back a `JoinHandle` to `.await`. Awaiting it is a real
//! wait: the handler's task is parked, and the runtime's thread goes on
//! running every other task until the digest is ready.
//!
//! The other way, a rayon pool plus a oneshot channel, is shown at the end
//! ([`handle_on_rayon`]); it is the better choice when a whole server sends
//! CPU work at once, because its pool has exactly as many threads as you
//! give it, where the blocking pool grows up to 512.

use std::panic::resume_unwind;
use std::sync::Arc;

/// The CPU-heavy step of every request: pure, and tens of milliseconds of
/// CPU per call. The server (the checks) hands you one that it measures.
pub type Work = Arc<dyn Fn(&[u8]) -> u64 + Send + Sync>;

/// One request to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: u32,
    pub body: Vec<u8>,
}

/// The answer to one request: its id and `work` of its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    pub id: u32,
    pub digest: u64,
}

/// Handles one request: computes `work(&request.body)` on a thread other
/// than the runtime's, waits for it without holding the runtime's thread,
/// and answers with the request's id and that digest.
///
/// # Panics
/// If `work` panics.
pub async fn handle(request: Request, work: Work) -> Response {
    // Take the request apart: the id stays here, the body moves to the other
    // thread. `spawn_blocking` needs a `'static` closure (the pool thread may
    // outlive this call's stack frame), so the closure must own everything it
    // touches: the body by value and `work` by its `Arc`, both moved in.
    let Request { id, body } = request;
    let digest = tokio::task::spawn_blocking(move || work(&body))
        .await
        // `Err` means the closure panicked (or the runtime is shutting
        // down). Re-raise the panic here, in the handler, as an inline call
        // would have: the caller sees `work`'s own message.
        .unwrap_or_else(|e| match e.try_into_panic() {
            Ok(panic) => resume_unwind(panic),
            Err(e) => panic!("the blocking task did not finish: {e}"),
        });
    Response { id, digest }
}

/// The same handler on a rayon pool: `pool.spawn` runs the closure on one of
/// the pool's threads and returns at once; the result comes back through a
/// `tokio::sync::oneshot` channel, whose receiver is a future to `.await`.
///
/// Not what the checks call; here to compare. A panic inside `pool.spawn`
/// would abort the process (rayon has no one to hand it to), so the closure
/// catches it and sends it back to be re-raised in the handler.
///
/// # Panics
/// If `work` panics.
pub async fn handle_on_rayon(request: Request, work: Work, pool: &rayon::ThreadPool) -> Response {
    let Request { id, body } = request;
    let (tx, rx) = tokio::sync::oneshot::channel();
    pool.spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&body)));
        // The handler may have been cancelled (its future dropped): then
        // nobody waits for the digest, and it is dropped with the error.
        let _ = tx.send(result);
    });
    match rx.await {
        Ok(Ok(digest)) => Response { id, digest },
        Ok(Err(panic)) => resume_unwind(panic),
        // The sender was dropped without sending: the pool was shut down.
        Err(_) => panic!("the rayon pool dropped the job"),
    }
}
