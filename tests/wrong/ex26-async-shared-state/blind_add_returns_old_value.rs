//! Known wrong: add returns the counter as it was before the addition (`let old = *v; *v += delta; old`, the fetch_add habit); the totals are exact and each return is still distinct, just shifted by delta.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: hundred-tasks: add returns the value from before the addition

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// A sharded map from keys to `u64` counters. The checks share one `Store`
/// between threads (`Arc<Store>`), so it must be `Send + Sync`.
pub struct Store {
    shards: Vec<Mutex<HashMap<String, u64>>>,
}

impl Store {
    /// An empty store of `shards` shards (0 is taken as 1).
    pub fn new(shards: usize) -> Store {
        Store {
            shards: (0..shards.max(1)).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    fn shard(&self, key: &str) -> &Mutex<HashMap<String, u64>> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.shards[(h.finish() % self.shards.len() as u64) as usize]
    }

    /// The value of `key`, or `None` if it was never set. Never waits for a
    /// `refresh` in progress: during one, the old value.
    pub async fn get(&self, key: &str) -> Option<u64> {
        self.shard(key).lock().unwrap().get(key).copied()
    }

    /// Adds `delta` to `key` (a missing key starts at 0) and returns the
    /// new value. One step: 100 tasks adding 1 to a key of 0 leave 100, and
    /// get back 1, 2, ..., 100, each once.
    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        let mut map = self.shard(key).lock().unwrap();
        let v = map.entry(key.to_string()).or_insert(0);
        let old = *v;
        *v += delta;
        old
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
        self.shard(key).lock().unwrap().insert(key.to_string(), value);
        value
    }
}
