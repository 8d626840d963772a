//! Known wrong: the map is fine (std shards, short locks), but a tokio::sync::Mutex<()> "refresh gate" is held across every fetch "to be safe": refreshes of different keys run one after another, 8 × 100 ms instead of 100 ms.
//! expect-fail: waiting-holds-nothing: they ran one after another

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard};

pub struct Store {
    shards: Vec<Mutex<HashMap<String, u64>>>,
    refreshing: tokio::sync::Mutex<()>,
}

impl Store {
    pub fn new(shards: usize) -> Store {
        Store {
            shards: (0..shards.max(1)).map(|_| Mutex::new(HashMap::new())).collect(),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    fn shard(&self, key: &str) -> MutexGuard<'_, HashMap<String, u64>> {
        let mut h = DefaultHasher::new();
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
        let _one_at_a_time = self.refreshing.lock().await;
        let value = fetch(key.to_string()).await;
        self.shard(key).insert(key.to_string(), value);
        value
    }
}
