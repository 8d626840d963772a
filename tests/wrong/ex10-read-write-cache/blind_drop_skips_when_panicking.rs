//! Known wrong: the guards skip leaving while thread::panicking(): one panicking reader shuts the writers out for good.
//! Written blind: guards skip leaving while `thread::panicking()` ("like std's poisoning: a holder that crashed may have left the value half-written, so keep everyone out"): one panicking holder shuts the lock for good.
//! expect-fail: released-on-panic: after a reader panicked holding a read guard, write() fell asleep

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex, MutexGuard};
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
    can_read: Condvar,
    can_write: Condvar,
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
            can_read: Condvar::new(),
            can_write: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let s = self.state();
        let mut s = self
            .can_read
            .wait_while(s, |s| s.writer || s.writers_waiting > 0)
            .unwrap_or_else(|e| e.into_inner());
        s.readers += 1;
        ReadGuard { lock: self, value: s.value.clone() }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut s = self.state();
        s.writers_waiting += 1;
        let mut s = self
            .can_write
            .wait_while(s, |s| s.writer || s.readers > 0)
            .unwrap_or_else(|e| e.into_inner());
        s.writers_waiting -= 1;
        s.writer = true;
        WriteGuard { lock: self, value: s.value.take() }
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
        if thread::panicking() {
            // the reader crashed: don't pretend everything is fine
            return;
        }
        self.value = None;
        let mut s = self.lock.state();
        s.readers -= 1;
        if s.readers == 0 {
            self.lock.can_write.notify_one();
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
        if thread::panicking() {
            // the value may be half-written: keep it locked
            return;
        }
        let mut s = self.lock.state();
        s.value = self.value.take();
        s.writer = false;
        if s.writers_waiting > 0 {
            self.lock.can_write.notify_one();
        } else {
            self.lock.can_read.notify_all();
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
