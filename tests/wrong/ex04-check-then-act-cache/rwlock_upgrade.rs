//! Known wrong: reads under a read lock, then takes the write lock to load: the gap between them is the race.
//! expect-fail: model-loads-once: the loader ran

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
        Cache { map: RwLock::new(HashMap::new()) }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        if let Some(value) = self.map.read().unwrap().get(&key) {
            return value.clone();
        }
        let mut map = self.map.write().unwrap();
        // No second look after taking the write lock.
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
