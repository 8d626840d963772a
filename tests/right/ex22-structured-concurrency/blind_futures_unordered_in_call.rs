//! Known right: FuturesUnordered polled inside the call, refilled from the list as each job ends, dropped on the first error; settle_all collects an unbounded FuturesUnordered into indexed slots; collect_until checks the clock, then races recv() alone with timeout_at on the fixed deadline.
//! Written blind: from the stub and the chapter, without reading the checks.
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
///
/// The jobs are polled inside this future (no tasks): dropping the set
/// drops every running job on the spot.
pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    assert_ne!(limit, 0, "all_or_first_error: limit 0 could never start a job");
    let n = jobs.len();
    let mut slots: Vec<Option<T>> = Vec::with_capacity(n);
    slots.resize_with(n, || None);
    let mut waiting = jobs.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    for (i, job) in waiting.by_ref().take(limit) {
        running.push(tagged(i, job));
    }
    while let Some((i, outcome)) = running.next().await {
        match outcome {
            Ok(value) => {
                slots[i] = Some(value);
                if let Some((j, job)) = waiting.next() {
                    running.push(tagged(j, job));
                }
            }
            Err(e) => {
                // Cancel the running ones and the never-started ones now.
                drop(running);
                drop(waiting);
                return Err(e);
            }
        }
    }
    Ok(slots.into_iter().flatten().collect())
}

/// Runs every job at once, each to its end, and returns every outcome in
/// the order of `jobs`.
pub async fn settle_all<T, E>(jobs: Vec<Job<T, E>>) -> Vec<Result<T, E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let n = jobs.len();
    let mut slots: Vec<Option<Result<T, E>>> = Vec::with_capacity(n);
    slots.resize_with(n, || None);
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(i, job)| tagged(i, job))
        .collect();
    while let Some((i, outcome)) = running.next().await {
        slots[i] = Some(outcome);
    }
    slots.into_iter().flatten().collect()
}

/// Receives messages from `rx` until `deadline` and returns them in order.
///
/// Only `recv()` (cancel-safe) is raced, through `timeout_at` against the
/// one fixed deadline; the `Vec` lives outside the race. `timeout_at` polls
/// the inner future before its timer, so the clock is checked first on every
/// turn: a deadline already past must not drain what is queued.
pub async fn collect_until<T>(rx: &mut Receiver<T>, deadline: Instant) -> Vec<T> {
    let mut got = Vec::new();
    while Instant::now() < deadline {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(m)) => got.push(m),
            Ok(None) | Err(_) => break,
        }
    }
    got
}
