//! Known wrong: add is a get and then a set, each in its own lock scope: on a multi-threaded runtime two adds read the same old value and one is lost.
//! expect-fail: hundred-tasks: two adds read the same old value

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard};

pub struct Store {
    shards: Vec<Mutex<HashMap<String, u64>>>,
}

impl Store {
    pub fn new(shards: usize) -> Store {
        Store { shards: (0..shards.max(1)).map(|_| Mutex::new(HashMap::new())).collect() }
    }

    fn shard(&self, key: &str) -> MutexGuard<'_, HashMap<String, u64>> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        self.shards[(h.finish() % self.shards.len() as u64) as usize].lock().unwrap()
    }

    pub async fn get(&self, key: &str) -> Option<u64> {
        self.shard(key).get(key).copied()
    }

    async fn set(&self, key: &str, value: u64) {
        self.shard(key).insert(key.to_string(), value);
    }

    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        let new = self.get(key).await.unwrap_or(0) + delta;
        self.set(key, new).await;
        new
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
