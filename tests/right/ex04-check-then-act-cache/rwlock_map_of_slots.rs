//! Known right: an RwLock'd map of per-key slots: the read lock finds an existing slot, the write lock (entry) creates a missing one; the load runs under the slot's Mutex only.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::{Arc, Mutex, RwLock};

type Slot<V> = Arc<Mutex<Option<V>>>;

pub struct Cache<K, V> {
    slots: RwLock<HashMap<K, Slot<V>>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            slots: RwLock::new(HashMap::new()),
        }
    }

    fn slot(&self, key: &K) -> Slot<V> {
        let found = self
            .slots
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .map(Arc::clone);
        if let Some(slot) = found {
            return slot;
        }
        // entry() under the write lock: if another caller created the slot
        // between our read and this write, we get theirs.
        let mut slots = self.slots.write().unwrap_or_else(|e| e.into_inner());
        Arc::clone(
            slots
                .entry(key.clone())
                .or_insert_with(|| Arc::new(Mutex::new(Default::default()))),
        )
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        let slot = self.slot(&key);
        let mut value = slot.lock().unwrap_or_else(|e| e.into_inner());
        match &*value {
            Some(v) => v.clone(),
            None => {
                let v = load(&key);
                *value = Some(v.clone());
                v
            }
        }
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
