//! Known right: no shards at all, one std::sync::Mutex<HashMap> for the whole store, locked only for single map operations (correct; shards only pay off under contention).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

pub struct Store {
    map: Mutex<HashMap<String, u64>>,
}

impl Store {
    pub fn new(_shards: usize) -> Store {
        Store { map: Mutex::new(HashMap::new()) }
    }

    pub async fn get(&self, key: &str) -> Option<u64> {
        self.map.lock().unwrap().get(key).copied()
    }

    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        let mut map = self.map.lock().unwrap();
        let v = map.entry(key.to_owned()).or_default();
        *v += delta;
        *v
    }

    pub async fn refresh<F, Fut>(&self, key: &str, fetch: F) -> u64
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = u64>,
    {
        let fresh = fetch(key.to_owned()).await;
        self.map.lock().unwrap().insert(key.to_owned(), fresh);
        fresh
    }
}
