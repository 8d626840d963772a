//! Hostile: the handler parks the runtime's thread for good (`std::thread::park`, which no lint forbids), so no request ever completes.
//! expect-fail: answers-right: did not finish in 10 s: the runtime's thread is blocked
//! expect-fail: runtime-thread-cpu: did not finish in 10 s
//! expect-fail: heartbeat: did not finish in 10 s

use std::sync::Arc;

pub type Work = Arc<dyn Fn(&[u8]) -> u64 + Send + Sync>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: u32,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    pub id: u32,
    pub digest: u64,
}

pub async fn handle(request: Request, work: Work) -> Response {
    let Request { id, body } = request;
    // Waits for a wake-up that never comes, holding the runtime's only
    // thread: nothing else on the runtime ever runs again.
    std::thread::park();
    let digest = work(&body);
    Response { id, digest }
}
