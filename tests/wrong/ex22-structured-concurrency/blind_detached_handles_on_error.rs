//! Known wrong: tokio::spawn + select_all over the JoinHandles, returning on the first error with the other handles simply dropped; a learner thinks dropping a handle cancels the task, but it only detaches it, so the siblings run on.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: siblings-dropped: nothing aborted it
//! expect-fail: no-starts-after-error: once the call is over no job may start
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
use futures::future::select_all;
use tokio::task::JoinHandle;

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
    let mut waiting = jobs.into_iter().enumerate();
    let mut handles: Vec<JoinHandle<(usize, Result<T, E>)>> = Vec::new();
    for (i, job) in waiting.by_ref().take(limit) {
        handles.push(tokio::spawn(async move { (i, job.await) }));
    }
    while !handles.is_empty() {
        let (joined, _, rest) = select_all(handles).await;
        handles = rest;
        let (i, outcome) = joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        match outcome {
            Ok(v) => {
                slots[i] = Some(v);
                if let Some((j, job)) = waiting.next() {
                    handles.push(tokio::spawn(async move { (j, job.await) }));
                }
            }
            // The rest of the handles are dropped with this frame.
            Err(e) => return Err(e),
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
