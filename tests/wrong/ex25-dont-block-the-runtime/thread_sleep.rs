//! Known wrong: sleeps with `std::thread::sleep` first, believing that lets the other requests run (it blocks the thread too), then does the work inline.
//! expect-fail: lint-async: use tokio::time::sleep(d).await
//! expect-fail: runtime-thread-cpu: the runtime's thread did the CPU work
//! expect-fail: heartbeat: the runtime's thread was held up

use std::sync::Arc;
use std::time::Duration;

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
    // "Give the others a turn first." A thread sleep hands nothing over to
    // the runtime: the whole thread sleeps, every task on it with it.
    std::thread::sleep(Duration::from_millis(1));
    Response {
        id: request.id,
        digest: work(&request.body),
    }
}
