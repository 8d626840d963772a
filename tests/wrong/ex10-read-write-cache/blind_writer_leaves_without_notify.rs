//! Known wrong: a leaving writer clears its flag and notifies nobody: everyone queued behind it sleeps on.
//! Written blind: the Python recipe with the writer preference, but release_write sets `writer = false` and forgets `notify_all` (as if unlocking the mutex woke the Condvar's sleepers): readers and writers queued behind a writer sleep on.
//! expect-fail: model-no-lost-wake-up: a thread slept for ever in read() or write()

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex};

struct Inner<T> {
    readers: usize,
    writer: bool,
    writers_waiting: usize,
    data: Option<Arc<T>>,
}

/// A writer-preferring read-write lock around a `T` (the Condition recipe).
pub struct RwLock<T> {
    cond_lock: Mutex<Inner<T>>,
    cond: Condvar,
}

/// Shared access to the value of a [`RwLock`], held until dropped.
pub struct ReadGuard<'a, T> {
    lock: &'a RwLock<T>,
    data: Option<Arc<T>>,
}

/// Exclusive access to the value of a [`RwLock`], held until dropped.
pub struct WriteGuard<'a, T> {
    lock: &'a RwLock<T>,
    data: Option<Arc<T>>,
}

impl<T> RwLock<T> {
    /// A new, unlocked lock around `value`.
    pub fn new(value: T) -> Self {
        Self {
            cond_lock: Mutex::new(Inner { readers: 0, writer: false, writers_waiting: 0, data: Some(Arc::new(value)) }),
            cond: Condvar::new(),
        }
    }

    /// acquire_read
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut inner = self.cond_lock.lock().unwrap_or_else(|e| e.into_inner());
        while inner.writer || inner.writers_waiting > 0 {
            inner = self.cond.wait(inner).unwrap_or_else(|e| e.into_inner());
        }
        inner.readers += 1;
        ReadGuard { lock: self, data: inner.data.clone() }
    }

    /// acquire_write
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut inner = self.cond_lock.lock().unwrap_or_else(|e| e.into_inner());
        inner.writers_waiting += 1;
        while inner.writer || inner.readers > 0 {
            inner = self.cond.wait(inner).unwrap_or_else(|e| e.into_inner());
        }
        inner.writers_waiting -= 1;
        inner.writer = true;
        WriteGuard { lock: self, data: inner.data.take() }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.data.as_ref().unwrap()
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    /// release_read
    fn drop(&mut self) {
        self.data = None;
        let mut inner = self.lock.cond_lock.lock().unwrap_or_else(|e| e.into_inner());
        inner.readers -= 1;
        if inner.readers == 0 {
            self.lock.cond.notify_all();
        }
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.data.as_ref().unwrap()
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::get_mut(self.data.as_mut().unwrap()).unwrap()
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    /// release_write
    fn drop(&mut self) {
        let mut inner = self.lock.cond_lock.lock().unwrap_or_else(|e| e.into_inner());
        inner.data = self.data.take();
        inner.writer = false;
        // leaving the `with self._cond:` block wakes whoever waits on it
    }
}

/// A map shared by threads, on your [`RwLock`].
pub struct Cache<K, V> {
    map: RwLock<HashMap<K, V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    /// An empty cache.
    pub fn new() -> Self {
        Cache { map: RwLock::new(HashMap::new()) }
    }

    /// The value stored for `key`, if any (a clone), under the read lock.
    pub fn get(&self, key: &K) -> Option<V> {
        self.map.read().get(key).cloned()
    }

    /// Stores `value` for `key` under the write lock.
    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.map.write().insert(key, value)
    }

    /// The stored value for `key`, or `make()` stored and returned.
    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.get(&key) {
            return v;
        }
        let mut map = self.map.write();
        if let Some(v) = map.get(&key) {
            return v.clone();
        }
        let v = make();
        map.insert(key, v.clone());
        v
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for Cache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}
