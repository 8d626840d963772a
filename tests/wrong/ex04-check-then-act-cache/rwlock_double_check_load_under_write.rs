//! Known wrong: read lock for hits, then a write lock with a second look, and the load runs under the write lock: once per key, but every other key (even a cached one) waits for it.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-distinct-keys-in-parallel: Your code holds one lock around every load

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::RwLock;

pub struct Cache<K, V> {
    map: RwLock<HashMap<K, V>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            map: RwLock::new(HashMap::new()),
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        if let Some(v) = self.map.read().unwrap().get(&key) {
            return v.clone();
        }
        let mut map = self.map.write().unwrap();
        // Look again: another writer may have loaded it meanwhile.
        if let Some(v) = map.get(&key) {
            return v.clone();
        }
        let value = load(&key);
        map.insert(key, value.clone());
        value
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
