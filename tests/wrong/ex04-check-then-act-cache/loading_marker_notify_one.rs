//! Known wrong: a Loading marker and a Condvar, but the loader wakes waiters with notify_one, so with two waiters one sleeps forever (a lost wake-up).
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-loads-once: the model checker found a deadlock
//! expect-fail: stress-same-key: a lost wake-up

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::{Condvar, Mutex};

enum State<V> {
    Loading,
    Ready(V),
}

pub struct Cache<K, V> {
    map: Mutex<HashMap<K, State<V>>>,
    loaded: Condvar,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            map: Mutex::new(HashMap::new()),
            loaded: Condvar::new(),
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        let mut map = self.map.lock().unwrap();
        loop {
            match map.get(&key) {
                Some(State::Ready(v)) => return v.clone(),
                Some(State::Loading) => map = self.loaded.wait(map).unwrap(),
                None => break,
            }
        }
        map.insert(key.clone(), State::Loading);
        drop(map);
        let value = load(&key);
        self.map
            .lock()
            .unwrap()
            .insert(key, State::Ready(value.clone()));
        // Someone may be waiting for this key: wake them.
        self.loaded.notify_one();
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
