//! Known right: the work goes to rayon's global pool with `rayon::spawn`, and the digest comes back through a `tokio::sync::oneshot` channel whose receiver is awaited (`run_in_executor` with a pool of one's own).

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
    let (tx, rx) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&body)));
        let _ = tx.send(result);
    });
    match rx.await {
        Ok(Ok(digest)) => Response { id, digest },
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("the pool dropped the job"),
    }
}
