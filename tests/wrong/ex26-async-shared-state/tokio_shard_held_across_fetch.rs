//! Known wrong: tokio::sync::Mutex shards (so nothing deadlocks and clippy is quiet), but refresh keeps the shard locked while it awaits fetch: every other key of that shard waits the whole 100 ms.
//! expect-fail: waiting-holds-nothing: every key behind it waits for the whole fetch

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use tokio::sync::Mutex;

pub struct Store {
    shards: Vec<Mutex<HashMap<String, u64>>>,
}

impl Store {
    pub fn new(shards: usize) -> Store {
        Store { shards: (0..shards.max(1)).map(|_| Mutex::new(HashMap::new())).collect() }
    }

    fn shard(&self, key: &str) -> &Mutex<HashMap<String, u64>> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.shards[(h.finish() % self.shards.len() as u64) as usize]
    }

    pub async fn get(&self, key: &str) -> Option<u64> {
        self.shard(key).lock().await.get(key).copied()
    }

    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        let mut map = self.shard(key).lock().await;
        let v = map.entry(key.to_string()).or_insert(0);
        *v += delta;
        *v
    }

    pub async fn refresh<F, Fut>(&self, key: &str, fetch: F) -> u64
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = u64>,
    {
        // Held across the fetch: an async lock, so "it's fine to await with it".
        let mut map = self.shard(key).lock().await;
        let value = fetch(key.to_string()).await;
        map.insert(key.to_string(), value);
        value
    }
}
