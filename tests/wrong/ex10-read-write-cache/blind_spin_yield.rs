//! Known wrong: no condvar: read() and write() unlock, yield_now and look again, so a blocked thread burns a core.
//! Written blind: no Condvar at all, `loop { lock; if may_enter { break } unlock; yield_now() }` ("Condvars are fiddly, yielding is polite"): correct exclusion and preference, but a blocked thread burns a core.
//! expect-fail: waiting-sleeps: kept the CPU busy

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Mutex, MutexGuard};
use kata_sync::thread;

struct State<T> {
    readers: usize,
    writer: bool,
    writers_waiting: usize,
    value: Option<Arc<T>>,
}

/// A writer-preferring read-write lock around a `T`.
pub struct RwLock<T> {
    state: Mutex<State<T>>,
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
            state: Mutex::new(State { readers: 0, writer: false, writers_waiting: 0, value: Some(Arc::new(value)) }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        loop {
            let mut s = self.state();
            if !s.writer && s.writers_waiting == 0 {
                s.readers += 1;
                return ReadGuard { lock: self, value: s.value.clone() };
            }
            drop(s);
            thread::yield_now();
        }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        self.state().writers_waiting += 1;
        loop {
            let mut s = self.state();
            if !s.writer && s.readers == 0 {
                s.writers_waiting -= 1;
                s.writer = true;
                return WriteGuard { lock: self, value: s.value.take() };
            }
            drop(s);
            thread::yield_now();
        }
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
        self.lock.state().readers -= 1;
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
        s.writer = false;
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
