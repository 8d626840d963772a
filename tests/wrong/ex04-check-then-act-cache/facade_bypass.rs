//! Known wrong: the check-then-act race again, written against std::sync so the model checker cannot see it.
//! expect-fail: lint-race: import Mutex from `kata_sync::sync`
//! expect-fail: model-shuttle: not run

use std::collections::HashMap;
use std::hash::Hash;

use std::sync::Mutex;

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
