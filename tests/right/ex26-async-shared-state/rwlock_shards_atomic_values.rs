//! Known right: std::sync::RwLock shards of AtomicU64 counters: get and add of an existing key take only the read lock (add is a fetch_add), a new key the write lock; no guard ever crosses an .await.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

type Shard = RwLock<HashMap<String, AtomicU64>>;

pub struct Store {
    shards: Box<[Shard]>,
    hasher: BuildHasherDefault<DefaultHasher>,
}

impl Store {
    pub fn new(shards: usize) -> Store {
        Store {
            shards: (0..shards.max(1)).map(|_| RwLock::default()).collect(),
            hasher: BuildHasherDefault::default(),
        }
    }

    fn shard(&self, key: &str) -> &Shard {
        &self.shards[(self.hasher.hash_one(key) % self.shards.len() as u64) as usize]
    }

    pub async fn get(&self, key: &str) -> Option<u64> {
        // Ordering: each counter is its own atomic; adds to it are one
        // read-modify-write, so Relaxed already gives every add its own value.
        self.shard(key).read().unwrap().get(key).map(|v| v.load(Ordering::Relaxed))
    }

    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        let shard = self.shard(key);
        if let Some(v) = shard.read().unwrap().get(key) {
            return v.fetch_add(delta, Ordering::Relaxed) + delta;
        }
        let mut map = shard.write().unwrap();
        let v = map.entry(key.to_string()).or_insert_with(|| AtomicU64::new(0));
        v.fetch_add(delta, Ordering::Relaxed) + delta
    }

    pub async fn refresh<F, Fut>(&self, key: &str, fetch: F) -> u64
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = u64>,
    {
        let value = fetch(key.to_string()).await;
        let mut map = self.shard(key).write().unwrap();
        map.insert(key.to_string(), AtomicU64::new(value));
        value
    }
}
