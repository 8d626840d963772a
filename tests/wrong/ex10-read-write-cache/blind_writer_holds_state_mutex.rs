//! Known wrong: the writer keeps the state MutexGuard while it writes and every lock is unwrap()ed: a panicking writer poisons the lock for good.
//! Written blind: the writer keeps the state MutexGuard for as long as it writes ("then no one can touch the state, it is alone for sure") and every lock is `.unwrap()`ed: a panicking writer poisons the mutex, and a second writer blocked on the mutex is not counted as waiting.
//! expect-fail: released-on-panic: PoisonError

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex, MutexGuard};

struct State<T> {
    readers: usize,
    writers_waiting: usize,
    value: Arc<T>,
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
    state: MutexGuard<'a, State<T>>,
}

impl<T> RwLock<T> {
    /// A new, unlocked lock around `value`.
    pub fn new(value: T) -> Self {
        RwLock {
            state: Mutex::new(State { readers: 0, writers_waiting: 0, value: Arc::new(value) }),
            can_read: Condvar::new(),
            can_write: Condvar::new(),
        }
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut s = self.state.lock().unwrap();
        while s.writers_waiting > 0 {
            s = self.can_read.wait(s).unwrap();
        }
        s.readers += 1;
        ReadGuard { lock: self, value: Some(Arc::clone(&s.value)) }
    }

    /// Exclusive access: the mutex stays ours until the guard is dropped.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut s = self.state.lock().unwrap();
        s.writers_waiting += 1;
        while s.readers > 0 {
            s = self.can_write.wait(s).unwrap();
        }
        s.writers_waiting -= 1;
        WriteGuard { lock: self, state: s }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_ref().unwrap()
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        self.value.take();
        let mut s = self.lock.state.lock().unwrap();
        s.readers -= 1;
        if s.readers == 0 {
            self.lock.can_write.notify_one();
        }
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.state.value
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::get_mut(&mut self.state.value).unwrap()
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    fn drop(&mut self) {
        // the MutexGuard unlocks right after this
        if self.state.writers_waiting > 0 {
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
