//! Known wrong: runs the work on a std thread but waits for it with join(), which blocks the runtime's thread until it is done.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: lint-async: blocks the runtime thread until the thread ends

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
    let worker = std::thread::spawn(move || work(&body));
    let digest = worker.join().expect("work panicked");
    Response { id, digest }
}
