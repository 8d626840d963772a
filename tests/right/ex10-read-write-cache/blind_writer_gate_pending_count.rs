//! Known right: writers first count themselves pending, then queue on a separate gate Mutex<()> whose guard the WriteGuard holds (poison ignored); readers wait while pending > 0; no writer flag at all, the gate makes a writer alone among writers.
//! Written blind: right: writers first count themselves pending, then queue on a separate gate Mutex<()> whose guard the WriteGuard holds (poison ignored); readers wait while pending > 0; no writer flag at all, the gate makes a writer alone among writers.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

struct State<T> {
    readers: usize,
    /// writers waiting for the gate, waiting for readers, or inside
    writers_pending: usize,
    value: Option<Arc<T>>,
}

/// A writer-preferring read-write lock around a `T`.
pub struct RwLock<T> {
    state: Mutex<State<T>>,
    gate: Mutex<()>,
    no_writers: Condvar,
    no_readers: Condvar,
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
    // Dropped after `drop` below has run: the next writer passes the gate
    // only once this one has put the value back.
    _gate: MutexGuard<'a, ()>,
}

impl<T> RwLock<T> {
    /// A new, unlocked lock around `value`.
    pub fn new(value: T) -> Self {
        RwLock {
            state: Mutex::new(State { readers: 0, writers_pending: 0, value: Some(Arc::new(value)) }),
            gate: Mutex::new(()),
            no_writers: Condvar::new(),
            no_readers: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut s = self.state();
        while s.writers_pending > 0 {
            s = self.no_writers.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        s.readers += 1;
        let value = s.value.clone();
        ReadGuard { lock: self, value }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        self.state().writers_pending += 1;
        // A writer that panicked while inside poisons the gate; the gate
        // guards nothing but the turn, so that is no reason to refuse.
        let gate = self.gate.lock().unwrap_or_else(PoisonError::into_inner);
        let mut s = self.state();
        while s.readers > 0 {
            s = self.no_readers.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        let value = s.value.take();
        drop(s);
        WriteGuard { lock: self, value, _gate: gate }
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
        self.value.take();
        let mut s = self.lock.state();
        s.readers -= 1;
        if s.readers == 0 {
            self.lock.no_readers.notify_all();
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
        let mut s = self.lock.state();
        s.value = self.value.take();
        s.writers_pending -= 1;
        if s.writers_pending == 0 {
            self.lock.no_writers.notify_all();
        }
        // the gate guard is released after this, by the field's own drop
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
