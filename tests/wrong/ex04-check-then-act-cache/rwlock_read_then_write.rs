//! Known wrong: looks under a read lock, drops it, loads, then stores under a write lock: two threads both see "missing" and both load.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-loads-once: two threads both found the key missing and both loaded it

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
        // Hits share the read lock: fast.
        if let Some(v) = self.map.read().unwrap().get(&key) {
            return v.clone();
        }
        // Miss: load without any lock held, so other keys are not blocked.
        let value = load(&key);
        self.map.write().unwrap().insert(key, value.clone());
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
