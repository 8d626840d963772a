//! # ex25 · Don't block the runtime
//!
//! Goal: write `handle(request, work)`, the request handler of an async
//! server, which answers each request with `work(&request.body)`: CPU-heavy
//! work (think of hashing a password with a slow key-derivation function,
//! tens of milliseconds per call) that must never run on the runtime's own
//! thread.
//!
//! An async runtime runs many tasks on few threads. A task gives its thread
//! back only at an `.await` that has to wait; code that computes for 80 ms
//! between two `.await`s keeps the thread for 80 ms, and every other request,
//! timer and socket on it waits that long. Python's asyncio has the same
//! rule and the same fix: `await asyncio.to_thread(f, x)` or
//! `loop.run_in_executor(pool, f, x)` hand the call to another thread and
//! wait for it without holding the event loop. In tokio that is
//! `tokio::task::spawn_blocking(f).await` (a pool of threads kept for such
//! work), or a rayon pool of your own with a `tokio::sync::oneshot` channel
//! to send the answer back.
//!
//! What `kata check ex25` verifies, running your handler on a
//! `current_thread` runtime (one thread, like asyncio's event loop):
//! - each response carries its request's id and `work` of its body;
//! - **the runtime's thread is free**: the CPU time that thread used while 4
//!   requests were handled is at most 20% of what the 4 calls of `work` cost
//!   on a plain thread (work done there inline costs ~100%, work handed off
//!   ~1%);
//! - **a heartbeat**, a task on the same runtime that wakes every 5 ms, never
//!   waits 50 ms or more; you are shown a picture of its ticks;
//! - your crate uses nothing that blocks the runtime's thread
//!   (`std::thread::sleep`, `block_in_place`, ...): clippy with
//!   grader/lints/async/clippy.toml.
//!
//! What it cannot see: which pool you hand the work to (tokio's blocking
//! pool and rayon both pass), or how many threads that pool starts.
//!
//! Read: book/src/exercises/ex25-dont-block-the-runtime.md
//! Check: cargo kata check ex25

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
/// Many requests are handled at once on one runtime: while this one waits
/// for its digest, the others must keep going.
///
/// # Panics
/// If `work` panics.
pub async fn handle(request: Request, work: Work) -> Response {
    // TODO: move the body and `work` into a closure that runs on another
    // thread (`tokio::task::spawn_blocking`, or a rayon pool that sends its
    // result back through a `tokio::sync::oneshot` channel). The closure
    // must own what it uses: it may outlive this call's borrows.
    // TODO: `.await` the result (never wait for it with a blocking call),
    // and answer with the request's id.
    let _ = (request, work);
    todo!()
}
