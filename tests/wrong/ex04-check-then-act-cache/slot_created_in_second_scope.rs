//! Known wrong: per-key slots, but a missing slot is created after the map's lock was released and put in with insert, so two callers can each create (and load into) their own slot.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-loads-once: two threads both found the key missing and both loaded it

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::{Arc, Mutex};

type Slot<V> = Arc<Mutex<Option<V>>>;

pub struct Cache<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
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

    fn slot(&self, key: &K) -> Slot<V> {
        let existing = self.slots.lock().unwrap().get(key).cloned();
        match existing {
            Some(slot) => slot,
            None => {
                let slot: Slot<V> = Arc::new(Mutex::new(None));
                self.slots
                    .lock()
                    .unwrap()
                    .insert(key.clone(), Arc::clone(&slot));
                slot
            }
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        let slot = self.slot(&key);
        let mut value = slot.lock().unwrap();
        if let Some(v) = value.as_ref() {
            return v.clone();
        }
        let v = load(&key);
        *value = Some(v.clone());
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
