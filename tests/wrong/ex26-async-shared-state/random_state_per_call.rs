//! Known wrong: picks the shard with a fresh `RandomState` hasher per call, so the same key goes to a different shard each time and its value seems to vanish.
//! expect-fail: hundred-tasks: not a fresh `RandomState` per call

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Mutex, MutexGuard};

pub struct Store {
    shards: Vec<Mutex<HashMap<String, u64>>>,
}

impl Store {
    pub fn new(shards: usize) -> Store {
        Store { shards: (0..shards.max(1)).map(|_| Mutex::new(HashMap::new())).collect() }
    }

    fn shard(&self, key: &str) -> MutexGuard<'_, HashMap<String, u64>> {
        let mut h = RandomState::new().build_hasher();
        key.hash(&mut h);
        self.shards[(h.finish() % self.shards.len() as u64) as usize].lock().unwrap()
    }

    pub async fn get(&self, key: &str) -> Option<u64> {
        self.shard(key).get(key).copied()
    }

    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        let mut map = self.shard(key);
        let v = map.entry(key.to_string()).or_insert(0);
        *v += delta;
        *v
    }

    pub async fn refresh<F, Fut>(&self, key: &str, fetch: F) -> u64
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = u64>,
    {
        let value = fetch(key.to_string()).await;
        self.shard(key).insert(key.to_string(), value);
        value
    }
}
