//! Known wrong: builds every future first, believing that starts them, then awaits them one by one: futures are lazy, so the calls still run one after another.
//! expect-fail: slowest-not-sum: a future does nothing until it is polled

use std::future::Future;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // "Start" every call...
    let calls: Vec<Fut> = ids.iter().map(|&id| fetch(id)).collect();
    // ... then collect the answers. Nothing ran until each `.await`.
    let mut results = Vec::with_capacity(calls.len());
    for call in calls {
        results.push(call.await);
    }
    results
}
