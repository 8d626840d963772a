//! Known wrong: waits for each call with `futures::executor::block_on` inside async code, blocking the runtime's only thread (its timers can never fire).
//! expect-fail: lint-async: blocks the runtime thread until the future is done
//! expect-fail: order-kept: blocked the runtime's only thread
//! expect-fail: slowest-not-sum: blocked the runtime's only thread

use std::future::Future;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    ids.iter()
        .map(|&id| futures::executor::block_on(fetch(id)))
        .collect()
}
