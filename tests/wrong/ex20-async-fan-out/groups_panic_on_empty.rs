//! Known wrong: splits the ids into 8 groups of len/8 (rounded up), which is chunks(0) on an empty slice: it panics for no ids.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: empty-input: chunk size must be non-zero

use std::future::Future;

use futures::future::join_all;

const GROUPS: usize = 8;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // One join_all per group, all groups at once, then flatten in order.
    let size = ids.len().div_ceil(GROUPS);
    let groups = ids
        .chunks(size)
        .map(|group| join_all(group.iter().map(|&id| fetch(id))));
    join_all(groups).await.into_iter().flatten().collect()
}
