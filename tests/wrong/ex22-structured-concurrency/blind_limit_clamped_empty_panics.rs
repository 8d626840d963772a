//! Known wrong: clamps limit to the number of jobs before asserting it is positive ("no point in more slots than jobs"), so an empty list panics instead of returning Ok(vec![]).
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: edges: whatever the limit
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
use tokio::task::JoinSet;

/// Runs `jobs`, at most `limit` at a time, and returns all their values in
/// the order of `jobs`, or the first error.
pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let n = jobs.len();
    // More slots than jobs is pointless: never spawn more than there are.
    let limit = limit.min(n);
    assert!(limit > 0, "limit must be at least 1");
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let mut pending = jobs.into_iter().enumerate();
    let mut set = JoinSet::new();
    for (i, job) in pending.by_ref().take(limit) {
        set.spawn(async move { (i, job.await) });
    }
    while let Some(joined) = set.join_next().await {
        let (i, outcome) = match joined {
            Ok(pair) => pair,
            Err(e) => {
                set.shutdown().await;
                std::panic::resume_unwind(e.into_panic());
            }
        };
        match outcome {
            Ok(value) => {
                slots[i] = Some(value);
                if let Some((j, job)) = pending.next() {
                    set.spawn(async move { (j, job.await) });
                }
            }
            Err(e) => {
                drop(pending);
                set.shutdown().await;
                return Err(e);
            }
        }
    }
    Ok(slots.into_iter().map(|v| v.expect("every job finished")).collect())
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
