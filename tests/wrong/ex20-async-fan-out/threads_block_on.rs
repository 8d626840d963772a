//! Known wrong: runs each call on its own OS thread with futures::executor::block_on and joins the threads: blocking waits inside async code, and no tokio runtime behind the calls.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: lint-async: blocks the runtime thread until the future is done

use std::future::Future;
use std::thread;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // Real parallelism: a thread per call.
    let workers: Vec<_> = ids
        .iter()
        .map(|&id| {
            let call = fetch(id);
            thread::spawn(move || futures::executor::block_on(call))
        })
        .collect();
    workers
        .into_iter()
        .map(|worker| worker.join().expect("a call panicked"))
        .collect()
}
