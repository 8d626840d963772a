//! Known wrong: checks under the lock, releases it, loads, then locks again to store: check-then-act.
//! expect-fail: model-loads-once: both found the key missing and both loaded it

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
        if let Some(value) = self.map.lock().unwrap().get(&key) {
            return value.clone();
        }
        // The lock is released here: another thread may be loading too.
        let value = load(&key);
        self.map.lock().unwrap().insert(key, value.clone());
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
