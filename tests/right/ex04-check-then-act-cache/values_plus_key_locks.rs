//! Known right: cached values in their own RwLock'd map (hits share a read lock), plus a Mutex per key being loaded; the key's lock holder looks at the values again before it loads (double-checked).
//! Written blind: from the stub and the chapter, without reading the checks.

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::{Arc, Mutex, RwLock};

pub struct Cache<K, V> {
    values: RwLock<HashMap<K, V>>,
    key_locks: Mutex<HashMap<K, Arc<Mutex<()>>>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            values: RwLock::new(HashMap::new()),
            key_locks: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, key: &K) -> Option<V> {
        self.values
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        if let Some(v) = self.cached(&key) {
            return v;
        }
        let key_lock = Arc::clone(
            self.key_locks
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(key.clone())
                .or_insert_with(|| Arc::new(Mutex::new(Default::default()))),
        );
        let _only_loader = key_lock.lock().unwrap_or_else(|e| e.into_inner());
        // Whoever held this lock before us may have loaded it: look again.
        if let Some(v) = self.cached(&key) {
            return v;
        }
        let value = load(&key);
        self.values
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, value.clone());
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
