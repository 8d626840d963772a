//! Known wrong: wraps the facade's RwLock: who waits is the library's policy, not a writer-preferring one of its own.
//! Written blind: wraps the facade's own `sync::RwLock` ("kata_sync exports one, and it's from the facade"): poison ignored, guards wrap std's guards, but who waits is the library's policy, not a writer-preferring one of our own.
//! expect-fail: own-lock: a library's RwLock decides who waits

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync;

/// A writer-preferring read-write lock around a `T`.
pub struct RwLock<T> {
    inner: sync::RwLock<T>,
}

/// Shared access to the value of a [`RwLock`], held until dropped.
pub struct ReadGuard<'a, T> {
    guard: sync::RwLockReadGuard<'a, T>,
}

/// Exclusive access to the value of a [`RwLock`], held until dropped.
pub struct WriteGuard<'a, T> {
    guard: sync::RwLockWriteGuard<'a, T>,
}

impl<T> RwLock<T> {
    /// A new, unlocked lock around `value`.
    pub fn new(value: T) -> Self {
        RwLock { inner: sync::RwLock::new(value) }
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        ReadGuard { guard: self.inner.read().unwrap_or_else(|e| e.into_inner()) }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        WriteGuard { guard: self.inner.write().unwrap_or_else(|e| e.into_inner()) }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {}
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
    fn drop(&mut self) {}
}

/// A map shared by threads, on your [`RwLock`].
pub struct Cache<K, V> {
    map: RwLock<HashMap<K, V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    /// An empty cache.
    pub fn new() -> Self {
        Self { map: RwLock::new(HashMap::new()) }
    }

    /// The value stored for `key`, if any (a clone), under the read lock.
    pub fn get(&self, key: &K) -> Option<V> {
        let map = self.map.read();
        map.get(key).cloned()
    }

    /// Stores `value` for `key` under the write lock.
    pub fn insert(&self, key: K, value: V) -> Option<V> {
        let mut map = self.map.write();
        map.insert(key, value)
    }

    /// The stored value for `key`, or `make()` stored and returned.
    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        {
            let map = self.map.read();
            if let Some(v) = map.get(&key) {
                return v.clone();
            }
        }
        let mut map = self.map.write();
        // The read miss was only a guess: look again, now alone.
        map.entry(key).or_insert_with(make).clone()
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for Cache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}
