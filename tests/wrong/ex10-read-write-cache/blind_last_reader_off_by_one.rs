//! Known wrong: the last-reader test is off by one: the second-to-last reader wakes the writer, the last one wakes nobody.
//! Written blind: the "last reader out" test compares the count with 1 after decrementing it (mixing up `n-- == 1` and `--n == 0`): the second-to-last reader wakes the writer, the real last one wakes nobody.
//! expect-fail: model-no-lost-wake-up: the last reader out a waiting writer

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex, MutexGuard};

struct State<T> {
    readers: usize,
    writer: bool,
    writers_waiting: usize,
    value: Option<Arc<T>>,
}

/// A writer-preferring read-write lock around a `T`.
pub struct RwLock<T> {
    state: Mutex<State<T>>,
    readers_turn: Condvar,
    writers_turn: Condvar,
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
            state: Mutex::new(State {
                readers: 0,
                writer: false,
                writers_waiting: 0,
                value: Some(Arc::new(value)),
            }),
            readers_turn: Condvar::new(),
            writers_turn: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut s = self.state();
        while s.writer || s.writers_waiting > 0 {
            s = self.readers_turn.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.readers += 1;
        let value = s.value.clone();
        drop(s);
        ReadGuard { lock: self, value }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut s = self.state();
        s.writers_waiting += 1;
        while s.writer || s.readers > 0 {
            s = self.writers_turn.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.writers_waiting -= 1;
        s.writer = true;
        let value = s.value.take();
        drop(s);
        WriteGuard { lock: self, value }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_deref().expect("read guard holds the value")
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        // Give the clone back first, so a writer's get_mut sees it gone.
        drop(self.value.take());
        let mut s = self.lock.state();
        s.readers -= 1;
        // the last reader out (C habit: `if (readers-- == 1)`, here after the decrement)
        if s.readers == 1 && s.writers_waiting > 0 {
            self.lock.writers_turn.notify_one();
        }
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_deref().expect("write guard holds the value")
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::get_mut(self.value.as_mut().expect("write guard holds the value"))
            .expect("a writer is alone")
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    fn drop(&mut self) {
        let mut s = self.lock.state();
        s.value = self.value.take();
        s.writer = false;
        if s.writers_waiting > 0 {
            self.lock.writers_turn.notify_one();
        } else {
            self.lock.readers_turn.notify_all();
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
