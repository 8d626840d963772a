//! # ex20 · Async fan-out
//!
//! Goal: write `fetch_all(ids, fetch)`, which calls `fetch(id)` for every id,
//! lets all the calls wait at the same time, and returns their results in
//! the order of `ids`.
//!
//! This is Python's `asyncio.gather`. One thread can wait for a thousand
//! answers at once, because a call that is waiting does not hold the thread:
//! at each `.await` it hands the thread back to the runtime, which polls
//! whichever call can move on. But a Rust future is lazy: `fetch(id)` only
//! builds the call, and nothing runs until that future is polled. Awaiting
//! the futures one by one runs the calls one after another.
//!
//! `fetch` is the service, handed in by the caller: a closure that returns a
//! future. The checks hand you a fake service whose calls wait on tokio's
//! clock; your code never needs to know what is behind it.
//!
//! What `kata check ex20` verifies, on tokio's paused clock (time jumps ahead
//! whenever every task is waiting, so the times below are exact):
//! - result `i` is the result of `fetch(ids[i])`, whatever order the calls
//!   finish in, and each id is fetched exactly once;
//! - 8 calls of 100 ms to 800 ms take the time of the slowest, 800 ms, not
//!   the sum of all eight, 3.6 s: every call in flight at once;
//! - 1,000 calls of 1 s take about 1 s;
//! - no ids: no calls and no results;
//! - your crate uses nothing that blocks the runtime's thread
//!   (`std::thread::sleep`, `futures::executor::block_on`, ...): clippy with
//!   grader/lints/async/clippy.toml.
//!
//! What it cannot see: whether you poll the futures together in one task
//! (`futures::future::join_all`) or spawn each as a task of its own (both
//! pass), and what you would do with a call that panics.
//!
//! Read: book/src/exercises/ex20-async-fan-out.md
//! Check: cargo kata check ex20

use std::future::Future;

/// Calls `fetch(id)` for every id in `ids`, all in flight at once, and
/// returns the results in the order of `ids`: result `i` is the output of
/// `fetch(ids[i])`.
///
/// The futures `fetch` returns are `Send + 'static` so that you may also
/// spawn them as tasks (`tokio::spawn`); you do not have to.
pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // TODO: build one future per id with `fetch(id)`. Building it starts
    // nothing: a future runs only while it is polled.
    // TODO: wait for all of them *together* (not one `.await` after
    // another), and keep the results in the order of `ids`, not in the order
    // the calls finish.
    let _ = (ids, fetch);
    todo!()
}
