//! Known right: no writer flag (the value's slot is empty while a writer has it), `wait_while` for both waits, and the cache's second look through `entry().or_insert_with` under the write lock.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex, MutexGuard};

struct Slot<T> {
    readers: usize,
    writers_waiting: usize,
    /// `None` exactly while a writer is inside.
    value: Option<Arc<T>>,
}

pub struct RwLock<T> {
    slot: Mutex<Slot<T>>,
    readers_may: Condvar,
    writers_may: Condvar,
}

pub struct ReadGuard<'a, T> {
    lock: &'a RwLock<T>,
    value: Option<Arc<T>>,
}

pub struct WriteGuard<'a, T> {
    lock: &'a RwLock<T>,
    value: Option<Arc<T>>,
}

impl<T> RwLock<T> {
    pub fn new(value: T) -> Self {
        let slot = Slot { readers: 0, writers_waiting: 0, value: Some(Arc::new(value)) };
        RwLock { slot: Mutex::new(slot), readers_may: Condvar::new(), writers_may: Condvar::new() }
    }

    fn slot(&self) -> MutexGuard<'_, Slot<T>> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn read(&self) -> ReadGuard<'_, T> {
        let slot = self.slot();
        let mut slot = self
            .readers_may
            .wait_while(slot, |s| s.value.is_none() || s.writers_waiting > 0)
            .unwrap_or_else(|e| e.into_inner());
        slot.readers += 1;
        let value = slot.value.clone();
        ReadGuard { lock: self, value }
    }

    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut slot = self.slot();
        slot.writers_waiting += 1;
        let mut slot = self
            .writers_may
            .wait_while(slot, |s| s.value.is_none() || s.readers > 0)
            .unwrap_or_else(|e| e.into_inner());
        slot.writers_waiting -= 1;
        let value = slot.value.take();
        WriteGuard { lock: self, value }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_deref().expect("held until dropped")
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        drop(self.value.take());
        let mut slot = self.lock.slot();
        slot.readers -= 1;
        if slot.readers == 0 {
            self.lock.writers_may.notify_one();
        }
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_deref().expect("held until dropped")
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::get_mut(self.value.as_mut().expect("held until dropped")).expect("alone")
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    fn drop(&mut self) {
        let mut slot = self.lock.slot();
        slot.value = self.value.take();
        if slot.writers_waiting > 0 {
            self.lock.writers_may.notify_one();
        } else {
            self.lock.readers_may.notify_all();
        }
    }
}

pub struct Cache<K, V> {
    map: RwLock<HashMap<K, V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    pub fn new() -> Self {
        Cache { map: RwLock::new(HashMap::new()) }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.map.read().get(key).cloned()
    }

    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.map.write().insert(key, value)
    }

    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(value) = self.get(&key) {
            return value;
        }
        self.map.write().entry(key).or_insert_with(make).clone()
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for Cache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}
