//! Known wrong: after a failure it stops refilling but lets the running jobs land, then collects the slots into Result<Vec<_>, _>, which picks the first Err in the list; looks tidy, but the error is the earliest listed, not the earliest in time (and it returns late).
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: first-error-in-time: job 1 is listed first
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
use futures::stream::{FuturesUnordered, StreamExt};

/// A job that also yields its place in the list.
async fn tagged<T, E>(i: usize, job: Job<T, E>) -> (usize, Result<T, E>) {
    (i, job.await)
}

/// Runs `jobs`, at most `limit` at a time, and returns all their values in
/// the order of `jobs`, or the first error.
pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    assert!(limit > 0, "limit must be at least 1");
    let n = jobs.len();
    let mut outcomes: Vec<Option<Result<T, E>>> = (0..n).map(|_| None).collect();
    let mut waiting = jobs.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    for (i, job) in waiting.by_ref().take(limit) {
        running.push(tagged(i, job));
    }
    let mut failed = false;
    while let Some((i, outcome)) = running.next().await {
        failed |= outcome.is_err();
        outcomes[i] = Some(outcome);
        // After a failure, start nothing new; let the running ones land so
        // that every outcome we did get is in its slot.
        if !failed {
            if let Some((j, job)) = waiting.next() {
                running.push(tagged(j, job));
            }
        }
    }
    // `Result<Vec<_>, _>` stops at the first `Err` in the list.
    outcomes.into_iter().flatten().collect()
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
