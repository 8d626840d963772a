//! Known wrong: spawn_blocking does the work, but the handle is waited for with futures-style block_on from tokio's Handle, blocking the runtime thread.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: lint-async: blocks the runtime thread (and panics inside a runtime)

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
    let job = tokio::task::spawn_blocking(move || work(&body));
    // Wait for the job right here.
    let digest = tokio::runtime::Handle::current()
        .block_on(job)
        .expect("work panicked");
    Response { id, digest }
}
