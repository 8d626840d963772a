//! # ex22 · Structured concurrency
//!
//! Goal: three ways to wait for a group of async jobs, each with its own
//! promise about what happens when one of them goes wrong.
//!
//! - `all_or_first_error(jobs, limit)` is Python's `asyncio.TaskGroup`: run
//!   the jobs, at most `limit` at a time, and either give every result back
//!   or, as soon as one job fails, stop the whole group: the siblings still
//!   running are cancelled (their futures dropped), the ones not yet started
//!   never start, and the call returns that first error.
//! - `settle_all(jobs)` is `asyncio.gather(*jobs, return_exceptions=True)`:
//!   every job runs to its end, and each error stays in its job's place.
//! - `collect_until(rx, deadline)` is a loop of `tokio::select!` between a
//!   channel and a deadline: take the messages that arrive before the
//!   deadline, and lose none of them when the deadline wins.
//!
//! In Rust, cancelling a future is dropping it: a future that is no longer
//! polled never runs again, and dropping it drops whatever it held (its
//! locals, its half-built results, its guards). A task spawned with
//! `tokio::spawn` is different: it runs on its own until it ends or is
//! aborted, whether or not anyone still holds its handle.
//!
//! The jobs are the checks' own futures. Each notes, on tokio's clock, when
//! it is first polled (its start), when it finishes, and when it is dropped;
//! nothing your code reports about itself is trusted.
//!
//! What `kata check ex22` verifies, on tokio's paused clock (time jumps
//! ahead whenever every task waits, so the times are exact):
//! - `all_or_first_error`: results in the order of the jobs; never more than
//!   `limit` jobs running, and a freed slot starts the next job at once (the
//!   jobs take uneven times, so batches of `limit` are late); an empty list
//!   and `limit` 0 as the contract below says; a job that panics;
//! - on an error: the call returns at the instant of the first error in
//!   *time* (not the first in the list, not after the slowest sibling), with
//!   that error; when it returns, every job's future has been dropped
//!   exactly once; afterwards no job starts and none goes on running;
//! - `settle_all`: all the jobs at once, each run to its end, every result
//!   (`Ok` or `Err`) in its job's place, done when the slowest is;
//! - `collect_until`: returns exactly at the deadline, or as soon as the
//!   channel is closed and empty if that comes first; every message sent
//!   before the deadline is in the result, in order, and every message sent
//!   after it is still in the channel for the caller; a deadline already
//!   past returns at once, leaving the messages that wait in the channel;
//! - nothing blocks the runtime's thread (`std::thread::sleep`, ...):
//!   clippy with grader/lints/async/clippy.toml.
//!
//! What it cannot see: whether you spawn the jobs as tasks (`JoinSet`) or
//! poll them inside your own future (`FuturesUnordered`,
//! `buffer_unordered`): both pass, if they keep the promises above. It does
//! not time two errors at the same instant (either may be returned).
//!
//! Read: book/src/exercises/ex22-structured-concurrency.md
//! Check: cargo kata check ex22

use std::future::Future;
use std::pin::Pin;
use tokio::sync::mpsc::Receiver;
use tokio::time::Instant;

/// One job of a group: a future that ends with a value or an error.
///
/// It is boxed so that jobs of different code fit in one `Vec`, and it is
/// `Send + 'static` so that you may spawn it as a task (`tokio::spawn`,
/// `JoinSet::spawn`); you do not have to.
pub type Job<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'static>>;

/// Runs `jobs`, at most `limit` at a time, and returns all their values in
/// the order of `jobs`, or the first error.
///
/// - Jobs start in the order of the list: the first `limit` at once, and
///   each next one the moment a running job finishes (no waiting for a whole
///   batch).
/// - The first job to fail *in time* decides the outcome: the call returns
///   `Err` with that job's error at the instant it failed. Before it
///   returns, every other job is dropped: the running ones are cancelled
///   (a spawned task must be aborted *and* its end awaited, so that its
///   future is gone when you return), the ones not started never start.
///   Two errors at the same instant: either may be returned.
/// - No jobs: `Ok(vec![])` at once.
/// - A job that panics: the panic is passed on (this call panics too).
///
/// # Panics
/// If `limit` is 0 (nothing could ever start), before any job starts; and
/// when a job panics.
pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    // TODO: refuse `limit == 0` first.
    // TODO: start the first `limit` jobs; keep each job's index with it, so
    // that its value can go to its own slot.
    // TODO: wait for whichever running job finishes next. A value goes into
    // its slot and the next job in the list starts; an error ends it all:
    // cancel the running jobs (and, for tasks, wait until they are gone)
    // before you return it.
    let _ = (jobs, limit);
    todo!()
}

/// Runs every job at once, each to its end, and returns every outcome in
/// the order of `jobs`: an error stays in its job's place and stops
/// nothing. No jobs: an empty `Vec` at once. A job that panics: the panic is
/// passed on.
pub async fn settle_all<T, E>(jobs: Vec<Job<T, E>>) -> Vec<Result<T, E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    // TODO: poll all the jobs together and keep every outcome in its place.
    let _ = jobs;
    todo!()
}

/// Receives messages from `rx` until `deadline` (on tokio's clock) and
/// returns them in the order they arrived.
///
/// - Returns at the deadline, or earlier, as soon as the channel is closed
///   and empty (every sender dropped).
/// - A message sent before the deadline is in the result; one sent after
///   it stays in the channel, for the caller's next receive. Not one message
///   may be lost, whichever branch wins. (A message sent at the deadline
///   instant itself may go either way.)
/// - A deadline already past: returns at once, taking nothing, even while
///   messages wait in the channel (they came after it). When a message and
///   the deadline are ready together, the deadline wins.
pub async fn collect_until<T>(rx: &mut Receiver<T>, deadline: Instant) -> Vec<T> {
    // TODO: loop, racing the next message against the deadline
    // (`tokio::select!`, `tokio::time::sleep_until`). Think about which of
    // the two futures may be dropped half-way without losing anything, and
    // which must win when both are ready.
    let _ = (rx, deadline);
    todo!()
}
