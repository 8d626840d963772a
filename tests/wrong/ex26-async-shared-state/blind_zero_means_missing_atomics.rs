//! Known wrong: per-key AtomicU64 counters where get treats a counter of 0 as "never set" (add pre-creates entries at 0 under the write lock, so 0 looked like the empty marker); a key refreshed or added to 0 reads None.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: waiting-holds-nothing: gave None, not Some(0)

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

type Shard = RwLock<HashMap<String, AtomicU64>>;

/// A sharded map from keys to `u64` counters. The checks share one `Store`
/// between threads (`Arc<Store>`), so it must be `Send + Sync`.
pub struct Store {
    shards: Vec<Shard>,
}

impl Store {
    /// An empty store of `shards` shards (0 is taken as 1).
    pub fn new(shards: usize) -> Store {
        Store {
            shards: (0..shards.max(1)).map(|_| RwLock::new(HashMap::new())).collect(),
        }
    }

    fn shard(&self, key: &str) -> &Shard {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.shards[(h.finish() % self.shards.len() as u64) as usize]
    }

    /// Make sure the key has a counter (0 = not set yet).
    fn ensure(&self, key: &str) {
        let shard = self.shard(key);
        if shard.read().unwrap().contains_key(key) {
            return;
        }
        shard
            .write()
            .unwrap()
            .entry(key.to_string())
            .or_insert_with(|| AtomicU64::new(0));
    }

    /// The value of `key`, or `None` if it was never set. Never waits for a
    /// `refresh` in progress: during one, the old value.
    pub async fn get(&self, key: &str) -> Option<u64> {
        let map = self.shard(key).read().unwrap();
        map.get(key)
            .map(|c| c.load(Ordering::Acquire))
            .filter(|&v| v != 0)
    }

    /// Adds `delta` to `key` (a missing key starts at 0) and returns the
    /// new value. One step: 100 tasks adding 1 to a key of 0 leave 100, and
    /// get back 1, 2, ..., 100, each once.
    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        self.ensure(key);
        let map = self.shard(key).read().unwrap();
        map[key].fetch_add(delta, Ordering::AcqRel) + delta
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
        let value = fetch(key.to_string()).await;
        self.ensure(key);
        self.shard(key).read().unwrap()[key].store(value, Ordering::Release);
        value
    }
}
