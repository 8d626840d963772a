//! Known wrong: per-key slots, but the map's guard is bound with let and lives while the caller waits for and fills the slot, so the map lock is held around every load.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-distinct-keys-in-parallel: Your code holds one lock around every load

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::{Arc, Mutex};

pub struct Cache<K, V> {
    slots: Mutex<HashMap<K, Arc<Mutex<Option<V>>>>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            slots: Mutex::new(HashMap::new()),
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        let mut slots = self.slots.lock().unwrap();
        let slot = Arc::clone(
            slots
                .entry(key.clone())
                .or_insert_with(|| Arc::new(Mutex::new(None))),
        );
        let mut value = slot.lock().unwrap();
        if let Some(v) = value.as_ref() {
            return v.clone();
        }
        let v = load(&key);
        *value = Some(v.clone());
        drop(slots);
        v
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
