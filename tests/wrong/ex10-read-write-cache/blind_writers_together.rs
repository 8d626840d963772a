//! Known wrong: a writer waits only for the readers, not for another writer: two writers get in together.
//! Written blind: one `writers` count (waiting or inside) that readers wait on, and a writer that only waits for `readers == 0` ("readers are the only thing a writer must wait for"): two writers get in together.
//! expect-fail: model-writer-exclusive: each looks in a `while` loop under the one mutex

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex, MutexGuard};

struct Counts<T> {
    readers: usize,
    /// writers waiting or inside
    writers: usize,
    value: Option<Arc<T>>,
}

/// A writer-preferring read-write lock around a `T`.
pub struct RwLock<T> {
    counts: Mutex<Counts<T>>,
    readers_may_go: Condvar,
    writers_may_go: Condvar,
}

/// Shared access to the value of a [`RwLock`], held until dropped.
pub struct ReadGuard<'a, T> {
    lock: &'a RwLock<T>,
    value: Option<Arc<T>>,
}

/// Exclusive access to the value of a [`RwLock`], held until dropped.
pub struct WriteGuard<'a, T> {
    lock: &'a RwLock<T>,
    value: Option<Arc<T>>,
}

impl<T> RwLock<T> {
    /// A new, unlocked lock around `value`.
    pub fn new(value: T) -> Self {
        RwLock {
            counts: Mutex::new(Counts { readers: 0, writers: 0, value: Some(Arc::new(value)) }),
            readers_may_go: Condvar::new(),
            writers_may_go: Condvar::new(),
        }
    }

    fn counts(&self) -> MutexGuard<'_, Counts<T>> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut c = self.counts();
        while c.writers > 0 {
            c = self.readers_may_go.wait(c).unwrap_or_else(|e| e.into_inner());
        }
        c.readers += 1;
        ReadGuard { lock: self, value: c.value.clone() }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut c = self.counts();
        c.writers += 1;
        while c.readers > 0 {
            c = self.writers_may_go.wait(c).unwrap_or_else(|e| e.into_inner());
        }
        WriteGuard { lock: self, value: c.value.take() }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_deref().unwrap()
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        self.value = None;
        let mut c = self.lock.counts();
        c.readers -= 1;
        if c.readers == 0 {
            self.lock.writers_may_go.notify_all();
        }
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_deref().unwrap()
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::get_mut(self.value.as_mut().unwrap()).unwrap()
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    fn drop(&mut self) {
        let mut c = self.lock.counts();
        if let Some(v) = self.value.take() {
            c.value = Some(v);
        }
        c.writers -= 1;
        if c.writers == 0 {
            self.lock.readers_may_go.notify_all();
        }
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
