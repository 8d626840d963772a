//! Known wrong: one Mutex around the map and the load runs inside entry().or_insert_with, so every key waits for every load.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-distinct-keys-in-parallel: Your code holds one lock around every load

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::Mutex;

pub struct Cache<K, V> {
    map: Mutex<HashMap<K, V>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            map: Mutex::new(HashMap::new()),
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        let mut map = self.map.lock().unwrap();
        map.entry(key.clone()).or_insert_with(|| load(&key)).clone()
    }
}

impl<K, V> Default for Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    fn default() -> Self {
        Self::new()
    }
}
