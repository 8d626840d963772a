//! Known wrong: values in one map and a lock per loading key in another; after getting the key's lock the caller loads without looking at the values again, so a caller that waited loads a second time.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-loads-once: two threads both found the key missing and both loaded it

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::{Arc, Mutex};

pub struct Cache<K, V> {
    values: Mutex<HashMap<K, V>>,
    loading: Mutex<HashMap<K, Arc<Mutex<()>>>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            values: Mutex::new(HashMap::new()),
            loading: Mutex::new(HashMap::new()),
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        if let Some(v) = self.values.lock().unwrap().get(&key) {
            return v.clone();
        }
        let key_lock = Arc::clone(
            self.loading
                .lock()
                .unwrap()
                .entry(key.clone())
                .or_insert_with(|| Arc::new(Mutex::new(()))),
        );
        let _loading = key_lock.lock().unwrap();
        // We hold the key's lock: nobody else is loading it now.
        let value = load(&key);
        self.values
            .lock()
            .unwrap()
            .insert(key.clone(), value.clone());
        self.loading.lock().unwrap().remove(&key);
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
