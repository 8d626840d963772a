//! Known wrong: polls every call by hand with now_or_never in a loop and yield_now between rounds: a busy-poll that never lets the runtime sleep.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: order-kept: did not finish within 3 s of real time
//! expect-fail: thousand-calls: did not finish within 3 s of real time

use std::future::Future;
use std::pin::Pin;

use futures::FutureExt;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut calls: Vec<Option<Pin<Box<Fut>>>> =
        ids.iter().map(|&id| Some(Box::pin(fetch(id)))).collect();
    let mut results: Vec<Option<T>> = ids.iter().map(|_| None).collect();
    let mut left = ids.len();
    while left > 0 {
        for (slot, result) in calls.iter_mut().zip(results.iter_mut()) {
            if let Some(call) = slot {
                if let Some(value) = call.as_mut().now_or_never() {
                    *result = Some(value);
                    *slot = None;
                    left -= 1;
                }
            }
        }
        // Let the calls make progress before asking again.
        tokio::task::yield_now().await;
    }
    results.into_iter().map(|r| r.expect("answered")).collect()
}
