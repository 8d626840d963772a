//! Known wrong: std::sync::RwLock shards; refresh takes the shard's write guard and then awaits fetch with it alive: the next reader of that shard blocks the runtime's only thread for good.
//! expect-fail: lint-async: is held across an await point
//! expect-fail: waiting-holds-nothing: a deadlock

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::RwLock;

pub struct Store {
    shards: Vec<RwLock<HashMap<String, u64>>>,
}

impl Store {
    pub fn new(shards: usize) -> Store {
        Store { shards: (0..shards.max(1)).map(|_| RwLock::new(HashMap::new())).collect() }
    }

    fn shard(&self, key: &str) -> &RwLock<HashMap<String, u64>> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.shards[(h.finish() % self.shards.len() as u64) as usize]
    }

    pub async fn get(&self, key: &str) -> Option<u64> {
        self.shard(key).read().unwrap().get(key).copied()
    }

    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        let mut map = self.shard(key).write().unwrap();
        let v = map.entry(key.to_string()).or_insert(0);
        *v += delta;
        *v
    }

    pub async fn refresh<F, Fut>(&self, key: &str, fetch: F) -> u64
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = u64>,
    {
        let mut map = self.shard(key).write().unwrap();
        let value = fetch(key.to_string()).await;
        map.insert(key.to_string(), value);
        value
    }
}
