//! Known wrong: uses select_all's index as the position in ids, but select_all swap-removes the finished future, so later indexes no longer match ids.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: slowest-not-sum: expected 8 results (one per id)
//! expect-fail: thousand-calls: expected 1000 results (one per id)

use std::future::Future;
use std::pin::Pin;

use futures::future::select_all;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut slots: Vec<Option<T>> = ids.iter().map(|_| None).collect();
    let mut pending: Vec<Pin<Box<Fut>>> = ids.iter().map(|&id| Box::pin(fetch(id))).collect();
    while !pending.is_empty() {
        let (value, index, rest) = select_all(pending).await;
        // `index` says which future finished: put its value there.
        slots[index] = Some(value);
        pending = rest;
    }
    slots.into_iter().flatten().collect()
}
