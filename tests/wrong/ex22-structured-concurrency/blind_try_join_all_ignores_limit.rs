//! Known wrong: asserts limit > 0 and then hands the whole list to try_join_all; ordered values and a first-in-time error make it look finished, but every job runs at once, so the cap (and "not started never start") is gone.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: order-and-limit: 10 jobs ran at once, but the limit is 3
//! expect-fail: first-error-in-time: the right error, but at 50 ms
//!
//! ex22 · Structured concurrency: `all_or_first_error`, `settle_all`,
//! `collect_until` (see the stub's contract and
//! book/src/exercises/ex22-structured-concurrency.md).

use std::future::Future;
use std::pin::Pin;
use tokio::sync::mpsc::Receiver;
use tokio::time::Instant;

/// One job of a group: a future that ends with a value or an error.
pub type Job<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'static>>;

/// Runs `jobs`, at most `limit` at a time, and returns all their values in
/// the order of `jobs`, or the first error.
pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    assert!(limit > 0, "limit must be at least 1");
    // try_join_all: values in order, and the first failure drops the rest.
    // (The jobs only wait on timers, so running them all is cheap.)
    futures::future::try_join_all(jobs).await
}

/// Runs every job at once, each to its end, and returns every outcome in
/// the order of `jobs`.
pub async fn settle_all<T, E>(jobs: Vec<Job<T, E>>) -> Vec<Result<T, E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    futures::future::join_all(jobs).await
}

/// Receives messages from `rx` until `deadline` and returns them in order.
pub async fn collect_until<T>(rx: &mut Receiver<T>, deadline: Instant) -> Vec<T> {
    let mut got = Vec::new();
    let sleep = tokio::time::sleep_until(deadline);
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            biased;
            _ = &mut sleep => break,
            message = rx.recv() => match message {
                Some(m) => got.push(m),
                None => break,
            },
        }
    }
    got
}
