//! Known wrong: one task per job up front, gated by a Semaphore; on an error it aborts (and awaits) only the tasks that hold a permit and drops the other handles, but those tasks are still queued on the semaphore: they take the freed permits and start, and run on, after the group has failed.
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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};

/// Runs `jobs`, at most `limit` at a time, and returns all their values in
/// the order of `jobs`, or the first error.
///
/// Every job gets its task up front; a semaphore lets `limit` of them run.
pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    assert!(limit > 0, "limit must be at least 1");
    let n = jobs.len();
    let permits = Arc::new(Semaphore::new(limit));
    let mut handles = Vec::with_capacity(n);
    let mut started = Vec::with_capacity(n);
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    for (i, job) in jobs.into_iter().enumerate() {
        let permits = Arc::clone(&permits);
        let flag = Arc::new(AtomicBool::new(false));
        started.push(Arc::clone(&flag));
        let done_tx = done_tx.clone();
        handles.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.expect("never closed");
            flag.store(true, Ordering::SeqCst);
            let outcome = job.await;
            let _ = done_tx.send((i, outcome));
        }));
    }
    drop(done_tx);
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let mut left = n;
    while left > 0 {
        let Some((i, outcome)) = done_rx.recv().await else {
            // A task ended without reporting: it panicked.
            for h in handles {
                if let Err(e) = h.await {
                    if e.is_panic() {
                        std::panic::resume_unwind(e.into_panic());
                    }
                }
            }
            unreachable!("a job ended without an outcome");
        };
        left -= 1;
        match outcome {
            Ok(v) => slots[i] = Some(v),
            Err(e) => {
                // Cancel the jobs that are running, and wait until they are
                // gone; the others have not started, so leave them be.
                let mut running = Vec::new();
                for (h, flag) in handles.into_iter().zip(&started) {
                    if flag.load(Ordering::SeqCst) && !h.is_finished() {
                        h.abort();
                        running.push(h);
                    }
                }
                for h in running {
                    let _ = h.await;
                }
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
