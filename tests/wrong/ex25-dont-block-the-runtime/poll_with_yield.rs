//! Known wrong: hands the work to `spawn_blocking`, right, but then polls the handle in a loop (`is_finished()`, `yield_now().await` between) instead of awaiting it: the other tasks get to run, yet the runtime's thread spends the whole time asking "done yet?".
//! expect-fail: runtime-thread-cpu: it was busy waiting for their results

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
    let Request { id, body } = request;
    let job = tokio::task::spawn_blocking(move || work(&body));
    // Let the other requests run while the digest is computed.
    while !job.is_finished() {
        tokio::task::yield_now().await;
    }
    let digest = job.await.expect("work panicked");
    Response { id, digest }
}
