//! Known wrong: polls every call at once but collects results as they finish (like asyncio.as_completed), losing the order of the ids.
//! expect-fail: order-kept: not in the order the calls finish

use futures::stream::{FuturesUnordered, StreamExt};
use std::future::Future;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut calls: FuturesUnordered<Fut> = ids.iter().map(|&id| fetch(id)).collect();
    let mut results = Vec::with_capacity(ids.len());
    while let Some(result) = calls.next().await {
        results.push(result);
    }
    results
}
