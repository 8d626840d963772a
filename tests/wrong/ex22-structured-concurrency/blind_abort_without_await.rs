//! Known wrong: JoinSet with abort_all() and an immediate return on the error; abort() reads like "stopped", but the aborted tasks are only dropped the next time the runtime polls them, after the call has returned.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: siblings-dropped: it was aborted but not awaited
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
    assert!(limit > 0, "limit must be at least 1");
    let n = jobs.len();
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
                set.abort_all();
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
                // Cancel the siblings and get out.
                set.abort_all();
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
