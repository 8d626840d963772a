//! Known right: the driver takes Semaphore permits in list order and spawns each job into a JoinSet holding its permit, selecting (biased) on join_next so an error shuts the set down before anything more starts; settle_all spawns one task per job; collect_until races recv_many into the outer Vec against a pinned sleep_until.
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
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Runs `jobs`, at most `limit` at a time, and returns all their values in
/// the order of `jobs`, or the first error.
///
/// A semaphore of `limit` permits gates the spawns: the driver takes a
/// permit (in list order) before it spawns the next job, and the task gives
/// it back when its job ends; meanwhile the driver watches the JoinSet.
pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    if limit == 0 {
        panic!("all_or_first_error: limit is 0, no job could ever start");
    }
    let n = jobs.len();
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let permits = Arc::new(Semaphore::new(limit));
    let mut set: JoinSet<(usize, Result<T, E>)> = JoinSet::new();
    let mut waiting = jobs.into_iter().enumerate();
    let mut next = waiting.next();
    while next.is_some() || !set.is_empty() {
        tokio::select! {
            // Outcomes first: an error seen at the same instant as a freed
            // permit must win, so that nothing more starts.
            biased;
            Some(joined) = set.join_next(), if !set.is_empty() => {
                let (i, outcome) = match joined {
                    Ok(pair) => pair,
                    Err(join_error) => {
                        set.shutdown().await;
                        std::panic::resume_unwind(join_error.into_panic());
                    }
                };
                match outcome {
                    Ok(v) => slots[i] = Some(v),
                    Err(e) => {
                        drop(waiting);
                        set.shutdown().await;
                        return Err(e);
                    }
                }
            }
            permit = Arc::clone(&permits).acquire_owned(), if next.is_some() => {
                let permit = permit.expect("the semaphore is never closed");
                if let Some((i, job)) = next.take() {
                    set.spawn(async move {
                        let outcome = job.await;
                        drop(permit);
                        (i, outcome)
                    });
                }
                next = waiting.next();
            }
        }
    }
    Ok(slots.into_iter().map(|v| v.expect("all done")).collect())
}

/// Runs every job at once, each to its end, and returns every outcome in
/// the order of `jobs`: one task per job, outcomes put back by index.
pub async fn settle_all<T, E>(jobs: Vec<Job<T, E>>) -> Vec<Result<T, E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let n = jobs.len();
    let mut set = JoinSet::new();
    for (i, job) in jobs.into_iter().enumerate() {
        set.spawn(async move { (i, job.await) });
    }
    let mut slots: Vec<Option<Result<T, E>>> = (0..n).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((i, outcome)) => slots[i] = Some(outcome),
            Err(join_error) => {
                set.shutdown().await;
                std::panic::resume_unwind(join_error.into_panic());
            }
        }
    }
    slots.into_iter().map(|v| v.expect("all settled")).collect()
}

/// Receives messages from `rx` until `deadline` and returns them in order.
///
/// `recv_many` is cancel-safe too: when the deadline wins, nothing was
/// taken out of the channel.
pub async fn collect_until<T>(rx: &mut Receiver<T>, deadline: Instant) -> Vec<T> {
    let mut got = Vec::new();
    if Instant::now() >= deadline {
        return got;
    }
    let timer = tokio::time::sleep_until(deadline);
    tokio::pin!(timer);
    loop {
        tokio::select! {
            biased;
            () = &mut timer => return got,
            taken = rx.recv_many(&mut got, 32) => {
                if taken == 0 {
                    return got; // closed and empty
                }
            }
        }
    }
}
