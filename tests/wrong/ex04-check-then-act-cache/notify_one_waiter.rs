//! Known wrong: marks a key as loading, loads outside the lock, and wakes waiters with `notify_one` on one Condvar for every key: a thread waiting for one key can be the one woken for another, and the rest sleep forever (a lost wake-up).
//! expect-fail: model-loads-once: notify every waiter (`notify_all`)

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::sync::{Condvar, Mutex};

enum Slot<V> {
    Loading,
    Ready(V),
}

pub struct Cache<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
    /// Signalled when a load ends.
    loaded: Condvar,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new() -> Self {
        Cache {
            slots: Mutex::new(HashMap::new()),
            loaded: Condvar::new(),
        }
    }

    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        let mut slots = self.slots.lock().unwrap();
        loop {
            match slots.get(&key) {
                Some(Slot::Ready(value)) => return value.clone(),
                Some(Slot::Loading) => slots = self.loaded.wait(slots).unwrap(),
                None => break,
            }
        }
        slots.insert(key.clone(), Slot::Loading);
        drop(slots);
        // Loading takes long: other keys must not wait for it.
        let value = load(&key);
        self.slots
            .lock()
            .unwrap()
            .insert(key, Slot::Ready(value.clone()));
        // Someone may be waiting for this value: wake them.
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
