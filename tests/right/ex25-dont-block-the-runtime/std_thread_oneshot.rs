//! Known right: a plain `std::thread` per request computes the digest and sends it through a `tokio::sync::oneshot` channel; the handler awaits the receiver, so the runtime's thread is free while the thread works.

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
/// If `work` panics, or no thread can be started.
pub async fn handle(request: Request, work: Work) -> Response {
    let Request { id, body } = request;
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name(format!("digest-{id}"))
        .spawn(move || {
            let _ = tx.send(work(&body));
        })
        .expect("could not start a thread");
    let digest = rx.await.expect("work panicked");
    Response { id, digest }
}
