//! Known wrong: readers and writers share one condvar woken with notify_one: the woken reader sleeps again, the writer that could go is never woken.
//! Written blind: one Condvar shared by readers and writers but woken with `notify_one` ("wake one, it's cheaper"): the one woken may be a reader that goes back to sleep while the writer that could go sleeps on (a lost wake-up).
//! expect-fail: model-no-lost-wake-up: on one shared condvar, `notify_one` may wake a thread that only sleeps again

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex, MutexGuard};

/// `active`: -1 while a writer is inside, else the number of readers inside.
struct Book<T> {
    active: i64,
    writers_waiting: u32,
    value: Option<Arc<T>>,
}

/// A writer-preferring read-write lock around a `T`.
pub struct RwLock<T> {
    book: Mutex<Book<T>>,
    turn: Condvar,
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
            book: Mutex::new(Book { active: 0, writers_waiting: 0, value: Some(Arc::new(value)) }),
            turn: Condvar::new(),
        }
    }

    fn book(&self) -> MutexGuard<'_, Book<T>> {
        self.book.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut b = self.book();
        while b.active < 0 || b.writers_waiting > 0 {
            b = self.turn.wait(b).unwrap_or_else(|e| e.into_inner());
        }
        b.active += 1;
        ReadGuard { lock: self, value: b.value.clone() }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut b = self.book();
        b.writers_waiting += 1;
        while b.active != 0 {
            b = self.turn.wait(b).unwrap_or_else(|e| e.into_inner());
        }
        b.writers_waiting -= 1;
        b.active = -1;
        WriteGuard { lock: self, value: b.value.take() }
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
        drop(self.value.take());
        let mut b = self.lock.book();
        b.active -= 1;
        if b.active == 0 {
            self.lock.turn.notify_one();
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
        let mut b = self.lock.book();
        b.value = self.value.take();
        b.active = 0;
        self.lock.turn.notify_one();
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
