//! Known wrong: correct, but holds the one map lock around every load, so different keys wait for each other.
//! expect-fail: model-distinct-keys-in-parallel: correct but serial

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
        Cache { map: Mutex::new(HashMap::new()) }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        let mut map = self.map.lock().unwrap();
        if let Some(value) = map.get(&key) {
            return value.clone();
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
