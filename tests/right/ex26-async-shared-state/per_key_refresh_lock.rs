//! Known right: std shards for the values, plus a tokio::sync::Mutex per key that refresh holds across fetch, so refreshes of one key queue while other keys (and get/add of this one) never wait: the place where an async lock across .await is right.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Shard {
    values: HashMap<String, u64>,
    refreshing: HashMap<String, Arc<tokio::sync::Mutex<()>>>,
}

pub struct Store {
    shards: Vec<Mutex<Shard>>,
}

impl Store {
    pub fn new(shards: usize) -> Store {
        Store { shards: (0..shards.max(1)).map(|_| Mutex::default()).collect() }
    }

    fn shard(&self, key: &str) -> &Mutex<Shard> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.shards[(h.finish() % self.shards.len() as u64) as usize]
    }

    pub async fn get(&self, key: &str) -> Option<u64> {
        self.shard(key).lock().unwrap().values.get(key).copied()
    }

    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        let mut shard = self.shard(key).lock().unwrap();
        let v = shard.values.entry(key.to_string()).or_insert(0);
        *v += delta;
        *v
    }

    pub async fn refresh<F, Fut>(&self, key: &str, fetch: F) -> u64
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = u64>,
    {
        let gate = Arc::clone(
            self.shard(key).lock().unwrap().refreshing.entry(key.to_string()).or_default(),
        );
        let _turn = gate.lock().await;
        let value = fetch(key.to_string()).await;
        self.shard(key).lock().unwrap().values.insert(key.to_string(), value);
        value
    }
}
