//! Known wrong: atomic counts checked outside the mutex: look and count-in are two steps, and a wake-up falls between a look and a sleep.
//! Written blind: atomics for the counts "so an uncontended read never takes the mutex", with the Mutex+Condvar only for sleeping: check and count-in are two steps, so a reader and a writer can both get in, and a wake-up can fall between a sleeper's check and its wait.
//! expect-fail: model-no-lost-wake-up: a thread slept for ever in read() or write()

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use kata_sync::sync::{Arc, Condvar, Mutex};

/// A writer-preferring read-write lock around a `T`.
pub struct RwLock<T> {
    readers: AtomicUsize,
    writers_waiting: AtomicUsize,
    writer: AtomicBool,
    value: Mutex<Option<Arc<T>>>,
    sleep: Mutex<()>,
    wake: Condvar,
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
            readers: AtomicUsize::new(0),
            writers_waiting: AtomicUsize::new(0),
            writer: AtomicBool::new(false),
            value: Mutex::new(Some(Arc::new(value))),
            sleep: Mutex::new(()),
            wake: Condvar::new(),
        }
    }

    fn nap(&self) {
        let g = self.sleep.lock().unwrap_or_else(|e| e.into_inner());
        drop(self.wake.wait(g).unwrap_or_else(|e| e.into_inner()));
    }

    fn wake_all(&self) {
        self.wake.notify_all();
    }

    /// Shared access.
    pub fn read(&self) -> ReadGuard<'_, T> {
        while self.writer.load(Ordering::SeqCst) || self.writers_waiting.load(Ordering::SeqCst) > 0 {
            self.nap();
        }
        self.readers.fetch_add(1, Ordering::SeqCst);
        let value = self.value.lock().unwrap_or_else(|e| e.into_inner()).clone();
        ReadGuard { lock: self, value }
    }

    /// Exclusive access.
    pub fn write(&self) -> WriteGuard<'_, T> {
        self.writers_waiting.fetch_add(1, Ordering::SeqCst);
        while self.writer.load(Ordering::SeqCst) || self.readers.load(Ordering::SeqCst) > 0 {
            self.nap();
        }
        self.writer.store(true, Ordering::SeqCst);
        self.writers_waiting.fetch_sub(1, Ordering::SeqCst);
        let value = self.value.lock().unwrap_or_else(|e| e.into_inner()).take();
        WriteGuard { lock: self, value }
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
        if self.lock.readers.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.lock.wake_all();
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
        *self.lock.value.lock().unwrap_or_else(|e| e.into_inner()) = self.value.take();
        self.lock.writer.store(false, Ordering::SeqCst);
        self.lock.wake_all();
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
