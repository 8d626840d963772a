//! Known wrong: collect_until races a "coalesce a burst for 100 ms" helper against the deadline; the helper holds the messages it has already taken in its own Vec, so a burst still settling when the deadline wins is dropped (not cancel-safe).
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: nothing-lost: they were lost
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
use std::time::Duration;
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

/// How long a burst of messages is given to fill up before it is handed over.
const COALESCE: Duration = Duration::from_millis(100);

/// Takes one message, then whatever else arrives within `COALESCE`, so that
/// the loop below wakes once per burst instead of once per message.
async fn next_burst<T>(rx: &mut Receiver<T>) -> Option<Vec<T>> {
    let first = rx.recv().await?;
    let mut burst = vec![first];
    let settle = tokio::time::sleep(COALESCE);
    tokio::pin!(settle);
    loop {
        tokio::select! {
            () = &mut settle => break,
            more = rx.recv() => match more {
                Some(m) => burst.push(m),
                None => break,
            },
        }
    }
    Some(burst)
}

/// Receives messages from `rx` until `deadline` and returns them in order.
pub async fn collect_until<T>(rx: &mut Receiver<T>, deadline: Instant) -> Vec<T> {
    let mut got = Vec::new();
    let timer = tokio::time::sleep_until(deadline);
    tokio::pin!(timer);
    loop {
        tokio::select! {
            biased;
            () = &mut timer => break,
            burst = next_burst(rx) => match burst {
                Some(mut b) => got.append(&mut b),
                None => break,
            },
        }
    }
    got
}
