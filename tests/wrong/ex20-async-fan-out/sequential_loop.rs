//! Known wrong: awaits each call before starting the next, so the calls run one after another.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: slowest-not-sum: so the calls ran one after another
//! expect-fail: thousand-calls: with at most 1 in flight at once

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
