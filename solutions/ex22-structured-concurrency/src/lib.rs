//! # ex22 · Structured concurrency — reference solution
//!
//! `all_or_first_error` is a `tokio::task::JoinSet` kept at most `limit`
//! tasks full. `join_next` hands back whichever task finishes next (in
//! finishing order, so each task carries its job's index), and each value
//! that comes back frees a slot for the next job in the list at once: no
//! batches. On the first `Err`, `shutdown().await` aborts every task still
//! in the set *and waits until each is gone*: an aborted task's future is
//! dropped only when the runtime next polls that task, so a bare
//! `abort_all()` followed by `return` would leave the siblings alive past
//! the call. The jobs not started yet are still in `queue`, and go with it
//! when the function returns: they never start.
//!
//! `settle_all` is `join_all`: every future polled together, every output in
//! its place, an `Err` no different from an `Ok`.
//!
//! `collect_until` races a cancel-safe `recv()` against a deadline fixed
//! once. The `Vec` of what has come lives outside the race, so the branch
//! that loses holds nothing that could be lost: a `recv()` dropped before it
//! completes has taken no message out of the channel.

use futures::future::join_all;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::mpsc::Receiver;
use tokio::task::JoinSet;
use tokio::time::{sleep_until, Instant};

/// One job of a group: a future that ends with a value or an error.
///
/// It is boxed so that jobs of different code fit in one `Vec`, and it is
/// `Send + 'static` so that you may spawn it as a task (`tokio::spawn`,
/// `JoinSet::spawn`); you do not have to.
pub type Job<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'static>>;

/// Runs `jobs`, at most `limit` at a time, and returns all their values in
/// the order of `jobs`, or the first error (see the stub for the whole
/// contract).
///
/// # Panics
/// If `limit` is 0, before any job starts; and when a job panics.
pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    assert!(
        limit > 0,
        "all_or_first_error: a limit of 0 would never start a job"
    );
    let mut slots: Vec<Option<T>> = (0..jobs.len()).map(|_| None).collect();
    let mut queue = jobs.into_iter().enumerate();
    let mut set = JoinSet::new();
    // The task owns its job and gives its index back with the outcome.
    let start = |set: &mut JoinSet<_>, (i, job): (usize, Job<T, E>)| {
        set.spawn(async move { (i, job.await) });
    };
    for next in queue.by_ref().take(limit) {
        start(&mut set, next);
    }
    while let Some(joined) = set.join_next().await {
        match joined {
            // A job panicked: pass its panic on. Unwinding drops the set,
            // which aborts the others.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Nothing in the set is ever aborted before the loop ends.
            Err(e) => unreachable!("a job's task was cancelled: {e}"),
            Ok((i, Ok(value))) => {
                slots[i] = Some(value);
                // The slot is free now: the next job starts at this instant.
                if let Some(next) = queue.next() {
                    start(&mut set, next);
                }
            }
            Ok((_, Err(e))) => {
                // Abort every sibling and wait until each task is gone.
                set.shutdown().await;
                // `queue` (the jobs never started) is dropped on return.
                return Err(e);
            }
        }
    }
    // Every job ended with a value: every slot is full.
    Ok(slots.into_iter().flatten().collect())
}

/// Runs every job at once, each to its end, and returns every outcome in
/// the order of `jobs`.
pub async fn settle_all<T, E>(jobs: Vec<Job<T, E>>) -> Vec<Result<T, E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    join_all(jobs).await
}

/// Receives messages from `rx` until `deadline` and returns them in the
/// order they arrived; earlier if the channel is closed and empty.
pub async fn collect_until<T>(rx: &mut Receiver<T>, deadline: Instant) -> Vec<T> {
    let mut got = Vec::new();
    // One timer for the whole call: the deadline does not move.
    let timer = sleep_until(deadline);
    tokio::pin!(timer);
    loop {
        tokio::select! {
            // The deadline first: once it has passed it wins over a message
            // that is waiting too (sent after it, so it stays in the channel).
            // Without `biased;`, `select!` would pick one of the two at random.
            biased;
            () = &mut timer => break,
            // Cancel-safe: if the timer wins, no message was taken.
            message = rx.recv() => match message {
                Some(message) => got.push(message),
                None => break,
            },
        }
    }
    got
}
