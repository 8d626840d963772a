//! Known wrong: spawns every call to "start" it, then join_alls fresh calls for the results: every id is fetched twice.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: order-kept: was called 2 times: call it exactly once per id

use std::future::Future;

use futures::future::join_all;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // Kick every call off in the background so they all run at once...
    for &id in ids {
        tokio::spawn(fetch(id));
    }
    // ...and gather the answers in order.
    join_all(ids.iter().map(|&id| fetch(id))).await
}
