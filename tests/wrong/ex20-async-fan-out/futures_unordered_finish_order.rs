//! Known wrong: collects a FuturesUnordered, so the results come back in the order the calls finish, not the order of ids.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: order-kept: not in the order the calls finish

use std::future::Future;

use futures::stream::{FuturesUnordered, StreamExt};

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let calls: FuturesUnordered<Fut> = ids.iter().map(|&id| fetch(id)).collect();
    calls.collect().await
}
