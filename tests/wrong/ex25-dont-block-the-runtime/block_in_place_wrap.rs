//! Known wrong: wraps the work in tokio::task::block_in_place, which still runs it on the runtime thread (and panics on a current_thread runtime).
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: lint-async: is not offloading: the work still runs on a runtime thread
//! expect-fail: answers-right: it only works on a multi-threaded runtime

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
    let digest = tokio::task::block_in_place(|| work(&body));
    Response { id, digest }
}
