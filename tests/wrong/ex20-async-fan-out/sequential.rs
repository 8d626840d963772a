//! Known wrong: awaits each call in a loop, so the calls run one after another and the total is the sum of the latencies.
//! expect-fail: slowest-not-sum: so the calls ran one after another
//! expect-fail: thousand-calls: every call must be in flight at the same time

use std::future::Future;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut results = Vec::with_capacity(ids.len());
    for &id in ids {
        results.push(fetch(id).await);
    }
    results
}
