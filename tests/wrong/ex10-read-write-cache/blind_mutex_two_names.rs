//! Known wrong: both guards hold the one MutexGuard: readers take turns, a mutex with two names.
//! Written blind: "one mutex for everything": both guards hold a MutexGuard of the value, so it is safe and simple, and readers take turns (a mutex with two names, no readers inside together).
//! expect-fail: readers-overlap: a mutex in disguise

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Mutex, MutexGuard};

/// A read-write lock around a `T`.
pub struct RwLock<T> {
    value: Mutex<T>,
}

/// Shared access to the value of a [`RwLock`], held until dropped.
pub struct ReadGuard<'a, T> {
    guard: MutexGuard<'a, T>,
}

/// Exclusive access to the value of a [`RwLock`], held until dropped.
pub struct WriteGuard<'a, T> {
    guard: MutexGuard<'a, T>,
}

impl<T> RwLock<T> {
    /// A new, unlocked lock around `value`.
    pub fn new(value: T) -> Self {
        RwLock { value: Mutex::new(value) }
    }

    fn lock(&self) -> MutexGuard<'_, T> {
        // no poisoning: a panicked holder leaves the value as it was
        self.value.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        ReadGuard { guard: self.lock() }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        WriteGuard { guard: self.lock() }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        // the MutexGuard field unlocks by itself
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    fn drop(&mut self) {
        // the MutexGuard field unlocks by itself
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
