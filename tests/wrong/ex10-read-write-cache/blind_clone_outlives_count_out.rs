//! Known wrong: a reader's Arc clone is dropped after it counted itself out: a writer let in then finds Arc::get_mut refused and panics.
//! Written blind: the ReadGuard keeps its Arc clone as a plain field, which is dropped only after Drop::drop has counted the reader out, so a writer let in at that moment finds Arc::get_mut refused and panics.
//! expect-fail: model-writer-exclusive: were two inside together

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
    changed: Condvar,
}

/// Shared access to the value of a [`RwLock`], held until dropped.
pub struct ReadGuard<'a, T> {
    lock: &'a RwLock<T>,
    value: Arc<T>,
}

/// Exclusive access to the value of a [`RwLock`], held until dropped.
pub struct WriteGuard<'a, T> {
    lock: &'a RwLock<T>,
    value: Option<Arc<T>>,
}

fn relock<G>(r: Result<G, kata_sync::sync::PoisonError<G>>) -> G {
    r.unwrap_or_else(|e| e.into_inner())
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
            changed: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        relock(self.state.lock())
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let s = self.state();
        let mut s = relock(
            self.changed
                .wait_while(s, |s| s.writer || s.writers_waiting > 0),
        );
        s.readers += 1;
        let value = s.value.clone().expect("no writer inside");
        ReadGuard { lock: self, value }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut s = self.state();
        s.writers_waiting += 1;
        let mut s = relock(self.changed.wait_while(s, |s| s.writer || s.readers > 0));
        s.writers_waiting -= 1;
        s.writer = true;
        let value = s.value.take();
        WriteGuard { lock: self, value }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        let mut s = self.lock.state();
        s.readers -= 1;
        if s.readers == 0 {
            self.lock.changed.notify_all();
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
        Arc::get_mut(self.value.as_mut().unwrap()).expect("writer alone")
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    fn drop(&mut self) {
        let mut s = self.lock.state();
        s.value = self.value.take();
        s.writer = false;
        self.lock.changed.notify_all();
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
