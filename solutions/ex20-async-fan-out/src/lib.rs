//! # ex20 · Async fan-out — reference solution
//!
//! `futures::future::join_all` is `asyncio.gather`: it takes every future,
//! polls them all inside the one task that awaits it, and hands back their
//! outputs in the order it was given them. While a call waits (on a timer, on
//! a socket), its `poll` returns `Pending` and `join_all` moves on to the
//! others, so all the waits overlap and the whole takes as long as the
//! slowest call.
//!
//! Why not a loop of `.await`s: each `.await` waits for that one future to
//! finish before the loop even builds the next, so the calls run one after
//! another and the total is the sum of the latencies. Building all the
//! futures first and then awaiting them one by one is no better: a Rust
//! future is lazy, and one that is not being polled makes no progress at all.
//! (Python coroutines are lazy in the same way; `asyncio.create_task` is what
//! starts one running on its own.)

use std::future::Future;

/// Calls `fetch(id)` for every id in `ids`, all in flight at once, and
/// returns the results in the order of `ids`: result `i` is the output of
/// `fetch(ids[i])`.
///
/// The futures `fetch` returns are `Send + 'static` so that they may also be
/// spawned as tasks (`tokio::spawn`); this solution does not need to.
pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // Building the futures starts nothing yet; `join_all` polls them all,
    // each time any of them is woken, until every one has finished.
    //
    // Order: `join_all` keeps each output in the slot of its future, so
    // results come back in the order of `ids` whatever order the calls
    // finish in. (`FuturesUnordered`, or `JoinSet::join_next`, hands them
    // back as they finish, like `asyncio.as_completed`: then each result
    // would have to carry its index.)
    //
    // Why not one task per call (`tokio::spawn`)? Both pass. Tasks pay off
    // when the calls do real work between their waits, because a
    // multi-threaded runtime can run different tasks on different cores;
    // here every call only waits, and one task polling all of them is
    // simpler: no `JoinHandle`s, no `JoinError` to handle for a call that
    // panicked, nothing left running if the caller drops `fetch_all`'s
    // future (dropping `join_all` drops, and so cancels, every call in it).
    futures::future::join_all(ids.iter().map(|&id| fetch(id))).await
}
