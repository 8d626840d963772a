//! # ex26 · Async shared state
//!
//! Goal: write `Store`, the in-memory key-value store of an async server: a
//! map from names to counters, split into shards, that many tasks use at
//! once. Besides `get` and `add`, `refresh(key, fetch)` sets a key to what a
//! slow backend answers: `fetch(key)` is an async call that waits 100 ms.
//!
//! In asyncio every task runs on one thread and switches only at an
//! `await`, so a dict needs no lock unless a read and its write are split
//! by an `await` (then `async with asyncio.Lock():` around them). A tokio
//! runtime may run your tasks on several threads at once, so shared state
//! needs a lock even without an `.await`; and while a task holds a lock
//! across an `.await`, every other task that wants it waits the whole time.
//! A `std::sync::Mutex` held across an `.await` is worse: its waiters block
//! their *thread* (on a one-thread runtime the task holding it can never
//! run again: a deadlock), and its guard makes the future not `Send`.
//!
//! What `kata check ex26` verifies:
//! - your crate never holds a `std::sync` lock guard across an `.await`:
//!   clippy's `await_holding_lock`, and nothing that blocks the runtime's
//!   thread, with grader/lints/async/clippy.toml;
//! - 100 tasks on 4 threads (each thread a runtime of its own) adding to 5
//!   shared keys and keys of their own: every total exact, and `add` returns
//!   each new value once (no two adds saw the same old value);
//! - while 8 refreshes wait for their fetch (paused clock: 100 ms exactly),
//!   `get` and `add` of every other key, in every shard, answer at once, and
//!   the 8 refreshes finish together at 100 ms, not one after another;
//! - `refresh` calls `fetch` once with its key, stores and returns its
//!   answer; during the fetch, `get` of that key still sees the old value;
//!   once `refresh` returns, the new one;
//! - `Store::new(0)` works as one shard; a missing key reads `None`; `add`
//!   to a missing key starts from 0.
//! - It also reports what one `add` costs against a store of
//!   `std::sync::Mutex` shards, measured in the same run (a cost, not a
//!   verdict).
//!
//! What it cannot see: how many shards you really make (one map behind one
//! lock passes: shards pay off only when many threads contend), or which
//! hash you pick.
//!
//! Read: book/src/exercises/ex26-async-shared-state.md
//! Check: cargo kata check ex26

use std::future::Future;

/// A sharded map from keys to `u64` counters. The checks share one `Store`
/// between threads (`Arc<Store>`), so it must be `Send + Sync`.
pub struct Store {
    // TODO: the shards: each a map behind a lock of its own. Which lock?
    // One whose guard is never held across an `.await` can be the plain
    // `std::sync::Mutex` (what tokio's own docs advise for a short section).
}

impl Store {
    /// An empty store of `shards` shards (0 is taken as 1).
    pub fn new(shards: usize) -> Store {
        // TODO: make the shards. A key must land in the same shard every
        // time (hash it with one fixed hasher, not a fresh `RandomState`).
        let _ = shards;
        todo!()
    }

    /// The value of `key`, or `None` if it was never set. Never waits for a
    /// `refresh` in progress: during one, the old value.
    pub async fn get(&self, key: &str) -> Option<u64> {
        // TODO: lock the key's shard, copy the value out, let the guard go.
        let _ = key;
        todo!()
    }

    /// Adds `delta` to `key` (a missing key starts at 0) and returns the
    /// new value. One step: 100 tasks adding 1 to a key of 0 leave 100, and
    /// get back 1, 2, ..., 100, each once.
    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        // TODO: the read, the addition and the write under one lock scope.
        let _ = (key, delta);
        todo!()
    }

    /// Sets `key` to the answer of `fetch(key)`, an async call to a slow
    /// backend, and returns that answer. While the call waits, every other
    /// key (in this shard too) stays usable, and `get(key)` sees the old
    /// value; once `refresh` returns, `get(key)` sees the new one.
    pub async fn refresh<F, Fut>(&self, key: &str, fetch: F) -> u64
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = u64>,
    {
        // TODO: call `fetch` and await its answer *before* you lock
        // anything; then lock the shard just long enough to store it.
        let _ = (key, fetch);
        todo!()
    }
}
