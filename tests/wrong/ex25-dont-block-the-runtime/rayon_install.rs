//! Known wrong: hands the work to rayon with `install`, which does run it on the pool, but makes the calling thread (the runtime's) wait for the answer: little CPU on the runtime's thread, yet it is blocked the whole time. No lint forbids `install` (inside `spawn_blocking` it is fine); the heartbeat sees it.
//! expect-fail: heartbeat: So it was blocked waiting

use std::sync::{Arc, OnceLock};

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

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a rayon pool")
    })
}

pub async fn handle(request: Request, work: Work) -> Response {
    let Request { id, body } = request;
    // `install` runs the closure on the pool and returns its value: the
    // thread that calls it sits blocked until then, and here that thread is
    // the runtime's.
    let digest = pool().install(|| work(&body));
    Response { id, digest }
}
