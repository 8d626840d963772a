//! Known right: one map of Loading/Ready states under one Mutex plus a Condvar; the loader marks the key Loading, loads with no lock held, stores Ready and notify_all; waiters re-check in a while loop.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::{Condvar, Mutex};

enum State<V> {
    Loading,
    Ready(V),
}

pub struct Cache<K, V> {
    map: Mutex<HashMap<K, State<V>>>,
    changed: Condvar,
}

/// Puts the key back to "missing" if the loader panics, and wakes the
/// waiters so that one of them loads instead.
struct Unmark<'a, K: Eq + Hash, V> {
    cache: &'a Cache<K, V>,
    key: Option<K>,
}

impl<K: Eq + Hash, V> Drop for Unmark<'_, K, V> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.cache
                .map
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&key);
            self.cache.changed.notify_all();
        }
    }
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            map: Mutex::new(HashMap::new()),
            changed: Condvar::new(),
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match map.get(&key) {
                Some(State::Ready(v)) => return v.clone(),
                Some(State::Loading) => {
                    map = self.changed.wait(map).unwrap_or_else(|e| e.into_inner());
                }
                None => break,
            }
        }
        map.insert(key.clone(), State::Loading);
        drop(map);
        let mut unmark = Unmark {
            cache: self,
            key: Some(key.clone()),
        };
        let value = load(&key);
        unmark.key = None;
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, State::Ready(value.clone()));
        self.changed.notify_all();
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
