//! # ex26 · Async shared state — reference solution
//!
//! Shards of `std::sync::Mutex<HashMap>`, each locked only for a map
//! operation that never waits: no guard is ever alive at an `.await`.
//! `refresh` waits for its `fetch` with nothing locked and locks only to
//! store the answer.
//!
//! Why the plain mutex and not `tokio::sync::Mutex`: a section that never
//! awaits is over in nanoseconds, so a task that finds the lock taken is
//! better off blocking its thread for those nanoseconds than parking itself
//! and being woken (tokio's own docs advise this). The async mutex is for a
//! lock that must be *held across* an `.await`, and nothing here needs one.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard};

/// A sharded map from keys to `u64` counters. The checks share one `Store`
/// between threads (`Arc<Store>`), so it must be `Send + Sync`.
pub struct Store {
    /// Never empty. Each shard's lock guards only its own keys, so tasks on
    /// different threads working on keys of different shards never meet.
    shards: Vec<Mutex<HashMap<String, u64>>>,
}

impl Store {
    /// An empty store of `shards` shards (0 is taken as 1).
    pub fn new(shards: usize) -> Store {
        // At least one shard, so that `shard` never takes a remainder by 0.
        Store {
            shards: (0..shards.max(1))
                .map(|_| Mutex::new(HashMap::new()))
                .collect(),
        }
    }

    /// The locked shard that holds `key`.
    ///
    /// `DefaultHasher::new()` hashes with fixed keys, so a key lands in the
    /// same shard every time. (A `RandomState` made per call would not: each
    /// is seeded afresh.) The guard is returned for one statement's use;
    /// every caller lets it go before any `.await`.
    fn shard(&self, key: &str) -> MutexGuard<'_, HashMap<String, u64>> {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let index = (hasher.finish() % self.shards.len() as u64) as usize;
        // A poisoned shard (a panic while it was locked) still holds
        // consistent data here: every change is a single map operation,
        // which either happened or did not. Keep serving it.
        self.shards[index].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value of `key`, or `None` if it was never set. Never waits for a
    /// `refresh` in progress: during one, the old value.
    pub async fn get(&self, key: &str) -> Option<u64> {
        // Copy the value out; the guard is a temporary, dropped at the end
        // of this statement.
        self.shard(key).get(key).copied()
    }

    /// Adds `delta` to `key` (a missing key starts at 0) and returns the
    /// new value. One step: 100 tasks adding 1 to a key of 0 leave 100, and
    /// get back 1, 2, ..., 100, each once.
    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        // Read, add and write under one guard: no thread can come between
        // the read and the write, so no add is lost, and the value returned
        // is the one this add made.
        let mut map = self.shard(key);
        let value = map.entry(key.to_string()).or_insert(0);
        *value = value.wrapping_add(delta);
        *value
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
        // Wait first, with nothing locked: for the 100 ms of the fetch the
        // shard is free for every other task, and readers of `key` see its
        // old value, since nothing was written yet.
        let value = fetch(key.to_string()).await;
        // Then one short lock to store the answer. Two refreshes of one key
        // both fetch; the one that finishes last is what stays (a refresh
        // replaces the value; nothing is computed from the old one, so
        // nothing needs the lock across the wait).
        self.shard(key).insert(key.to_string(), value);
        value
    }
}
