//! Known wrong: hands the work to tokio::spawn, which makes a task on the runtime's own thread, not a thread.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: runtime-thread-cpu: the runtime's thread did the CPU work

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
    let digest = tokio::spawn(async move { work(&body) })
        .await
        .expect("work panicked");
    Response { id, digest }
}
