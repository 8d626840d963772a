//! Known right: spawns every call as a task of its own with `tokio::spawn`, then awaits the join handles in the order of the ids.

use std::future::Future;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // Spawned tasks start at once: all calls are in flight before the
    // first handle is awaited.
    let handles: Vec<_> = ids.iter().map(|&id| tokio::spawn(fetch(id))).collect();
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        match handle.await {
            Ok(value) => results.push(value),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    results
}
