//! Known wrong: spawns the work as a tokio task, believing a task is a thread: on a current_thread runtime the task runs on the runtime's thread all the same.
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
    let Request { id, body } = request;
    // `tokio::spawn` makes a task, not a thread: the runtime polls it on its
    // own threads, and a task that computes for 80 ms holds one of them.
    let digest = tokio::spawn(async move { work(&body) })
        .await
        .expect("the task panicked");
    Response { id, digest }
}
