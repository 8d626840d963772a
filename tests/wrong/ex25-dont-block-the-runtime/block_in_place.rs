//! Known wrong: wraps the work in `tokio::task::block_in_place`, which is not offloading (the work still runs on a runtime thread) and panics on a current_thread runtime.
//! expect-fail: lint-async: offload it with tokio::task::spawn_blocking
//! expect-fail: runtime-thread-cpu: tokio::task::block_in_place
//! expect-fail: heartbeat: tokio::task::block_in_place

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
    let digest = tokio::task::block_in_place(|| work(&request.body));
    Response {
        id: request.id,
        digest,
    }
}
