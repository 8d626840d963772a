//! Known wrong: the whole store is one tokio::sync::Mutex<HashMap>, held by refresh across fetch, as `async with lock:` would be in asyncio: every get and add waits for the fetch, and refreshes run one after another.
//! expect-fail: waiting-holds-nothing: every key behind it waits for the whole fetch

use std::collections::HashMap;
use std::future::Future;
use tokio::sync::Mutex;

pub struct Store {
    map: Mutex<HashMap<String, u64>>,
}

impl Store {
    pub fn new(_shards: usize) -> Store {
        Store { map: Mutex::new(HashMap::new()) }
    }

    pub async fn get(&self, key: &str) -> Option<u64> {
        self.map.lock().await.get(key).copied()
    }

    pub async fn add(&self, key: &str, delta: u64) -> u64 {
        let mut map = self.map.lock().await;
        let v = map.entry(key.to_string()).or_insert(0);
        *v += delta;
        *v
    }

    pub async fn refresh<F, Fut>(&self, key: &str, fetch: F) -> u64
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = u64>,
    {
        let mut map = self.map.lock().await;
        let value = fetch(key.to_string()).await;
        map.insert(key.to_string(), value);
        value
    }
}
