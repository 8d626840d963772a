//! Known wrong: hands the work to `spawn_blocking`, then spins until the handle says it is finished, never giving the thread back: the work runs elsewhere, and the runtime's thread is held all the same, computing nothing.
//! expect-fail: runtime-thread-cpu: it was busy waiting for their results
//! expect-fail: heartbeat: it was busy waiting for their results

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
    while !job.is_finished() {
        std::hint::spin_loop();
    }
    let digest = job.await.expect("work panicked");
    Response { id, digest }
}
