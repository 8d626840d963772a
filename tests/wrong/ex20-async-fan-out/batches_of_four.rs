//! Known wrong: joins the calls in batches of 4, one batch after another: each batch waits for its slowest call.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: slowest-not-sum: at most 4 of the 8 calls were ever in flight at once
//! expect-fail: thousand-calls: with at most 4 in flight at once

use std::future::Future;

use futures::future::join_all;

const BATCH: usize = 4;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // Be gentle with the service: a few at a time.
    let mut results = Vec::with_capacity(ids.len());
    for batch in ids.chunks(BATCH) {
        results.extend(join_all(batch.iter().map(|&id| fetch(id))).await);
    }
    results
}
