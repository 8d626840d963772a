//! Known wrong: calls `work` right inside the async handler, so the CPU work runs on the runtime's only thread and every other request waits for it (the event loop blocked).
//! expect-fail: runtime-thread-cpu: the runtime's thread did the CPU work
//! expect-fail: heartbeat: the runtime's thread was held up

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
    // "It is an async fn, so it does not block." It does: nothing here awaits.
    Response {
        id: request.id,
        digest: work(&request.body),
    }
}
