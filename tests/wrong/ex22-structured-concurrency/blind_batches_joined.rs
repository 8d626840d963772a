//! Known wrong: starts the jobs in batches of `limit` and joins the whole batch before the next; the cap holds, so it feels safe, but a freed slot waits for the slowest of its batch.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: order-and-limit: but a slot was free for it
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
    let mut waiting = jobs.into_iter().enumerate().peekable();
    // One batch of `limit` jobs at a time: never more than `limit` running.
    while waiting.peek().is_some() {
        let mut batch = JoinSet::new();
        for (i, job) in waiting.by_ref().take(limit) {
            batch.spawn(async move { (i, job.await) });
        }
        while let Some(joined) = batch.join_next().await {
            let (i, outcome) = match joined {
                Ok(pair) => pair,
                Err(e) => {
                    batch.shutdown().await;
                    std::panic::resume_unwind(e.into_panic());
                }
            };
            match outcome {
                Ok(v) => slots[i] = Some(v),
                Err(e) => {
                    batch.shutdown().await;
                    return Err(e);
                }
            }
        }
    }
    Ok(slots.into_iter().map(|v| v.expect("done")).collect())
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
