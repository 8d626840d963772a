//! Known wrong: builds every future first, then awaits them one by one: still sequential, a future runs only while polled.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: slowest-not-sum: building all the futures first and awaiting them one by one is no better

use std::future::Future;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // "Start" every call up front...
    let calls: Vec<Fut> = ids.iter().map(|&id| fetch(id)).collect();
    // ...then collect the answers in order.
    let mut results = Vec::with_capacity(calls.len());
    for call in calls {
        results.push(call.await);
    }
    results
}
