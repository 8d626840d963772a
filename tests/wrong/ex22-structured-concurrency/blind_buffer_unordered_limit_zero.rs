//! Known wrong: buffer_unordered(limit) without its own check for 0, trusting the combinator to refuse a zero width; futures 0.3 does not, so limit 0 waits for ever instead of panicking.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: edges: with limit 0 the call did not panic
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
use futures::stream::{self, StreamExt};

/// A job that also yields its place in the list.
async fn tagged<T, E>(i: usize, job: Job<T, E>) -> (usize, Result<T, E>) {
    (i, job.await)
}

/// Runs `jobs`, at most `limit` at a time, and returns all their values in
/// the order of `jobs`, or the first error.
///
/// `buffer_unordered(limit)` keeps `limit` jobs in flight and pulls the next
/// one from the list as soon as any of them ends; dropping the stream drops
/// the running jobs and the rest of the list.
pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let n = jobs.len();
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    // Tag them eagerly (a Vec, not a lazy closure inside the stream), which
    // keeps this future `Send`.
    let tagged_jobs: Vec<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(i, job)| tagged(i, job))
        .collect();
    let mut in_flight = stream::iter(tagged_jobs).buffer_unordered(limit);
    while let Some((i, outcome)) = in_flight.next().await {
        match outcome {
            Ok(v) => slots[i] = Some(v),
            Err(e) => {
                drop(in_flight);
                return Err(e);
            }
        }
    }
    Ok(slots
        .into_iter()
        .map(|v| v.expect("a job without a value"))
        .collect())
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
