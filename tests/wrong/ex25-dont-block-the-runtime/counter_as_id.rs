//! Known wrong: answers with an id from a counter of requests handled instead of the request's own id (fine while requests finish in the order they came).
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: answers-right: answer with the request's own id

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

use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

pub async fn handle(request: Request, work: Work) -> Response {
    let body = request.body;
    let digest = tokio::task::spawn_blocking(move || work(&body))
        .await
        .expect("work panicked");
    let _ = request.id;
    // Responses are numbered as they go out.
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    Response { id, digest }
}
