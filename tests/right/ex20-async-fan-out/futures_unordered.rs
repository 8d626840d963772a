//! Known right: polls every call together in a `FuturesUnordered`, each tagged with its index, and puts the results back in place as they come.

use futures::stream::{FuturesUnordered, StreamExt};
use std::future::Future;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut calls: FuturesUnordered<_> = ids
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let call = fetch(id);
            async move { (i, call.await) }
        })
        .collect();
    let mut slots: Vec<Option<T>> = (0..ids.len()).map(|_| None).collect();
    while let Some((i, value)) = calls.next().await {
        slots[i] = Some(value);
    }
    slots.into_iter().map(|slot| slot.expect("every call answered")).collect()
}
