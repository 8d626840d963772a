//! Known wrong: a one-entry cache that keeps the last key loaded and its value (each key loaded under its own slot lock), so asking for key 1 again after key 2 loads it again.
//! expect-fail: returns-loaded-values: the cache forgot key 1
//! expect-fail: model-loads-once: the loader ran 2 times

use std::hash::Hash;

use kata_sync::sync::{Arc, Mutex};

/// The entry: which key it is for, and its value once loaded.
struct Entry<K, V> {
    key: K,
    value: Mutex<Option<V>>,
}

pub struct Cache<K, V> {
    /// Only the most recent key is worth keeping: a new key replaces it.
    current: Mutex<Option<Arc<Entry<K, V>>>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            current: Mutex::new(None),
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        let entry = {
            let mut current = self.current.lock().unwrap();
            match &*current {
                Some(entry) if entry.key == key => Arc::clone(entry),
                _ => {
                    let entry = Arc::new(Entry {
                        key: key.clone(),
                        value: Mutex::new(None),
                    });
                    *current = Some(Arc::clone(&entry));
                    entry
                }
            }
        };
        let mut value = entry.value.lock().unwrap();
        if let Some(value) = &*value {
            return value.clone();
        }
        let loaded = load(&key);
        *value = Some(loaded.clone());
        loaded
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
