//! Known wrong: values and in-flight slots kept apart, and the slot is removed once its value is stored; a caller holding the old slot's Arc and one creating a new slot can both load.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-loads-once: two threads both found the key missing and both loaded it

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::{Arc, Mutex};

type Slot<V> = Arc<Mutex<Option<V>>>;

pub struct Cache<K, V> {
    values: Mutex<HashMap<K, V>>,
    in_flight: Mutex<HashMap<K, Slot<V>>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            values: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        if let Some(v) = self.values.lock().unwrap().get(&key) {
            return v.clone();
        }
        let slot = Arc::clone(
            self.in_flight
                .lock()
                .unwrap()
                .entry(key.clone())
                .or_insert_with(|| Arc::new(Mutex::new(None))),
        );
        let mut value = slot.lock().unwrap();
        if let Some(v) = value.as_ref() {
            return v.clone();
        }
        let v = load(&key);
        *value = Some(v.clone());
        // Done loading: move the value to the values map, forget the slot.
        self.values.lock().unwrap().insert(key.clone(), v.clone());
        self.in_flight.lock().unwrap().remove(&key);
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
