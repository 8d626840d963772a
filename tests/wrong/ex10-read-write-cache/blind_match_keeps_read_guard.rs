//! Known wrong: the read guard, a temporary in the match scrutinee, lives into the None arm that calls write(): a miss deadlocks on itself.
//! Written blind: the read guard is a temporary in the `match` scrutinee, so it lives through the `None` arm: that arm calls write() while this thread still holds a read, and a miss deadlocks on itself.
//! expect-fail: released-on-panic: a miss that locks itself out?

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Writers take numbered tickets and go in ticket order; a writer holds the
/// lock (waiting or inside) exactly while `served < issued`.
struct State<T> {
    readers: usize,
    issued: u64,
    served: u64,
    value: Option<Arc<T>>,
}

impl<T> State<T> {
    fn writers_ahead(&self) -> bool {
        self.served != self.issued
    }
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
            state: Mutex::new(State { readers: 0, issued: 0, served: 0, value: Some(Arc::new(value)) }),
            readers_turn: Condvar::new(),
            writers_turn: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Shared access: waits while any writer holds a ticket not yet served.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut s = self.state();
        while s.writers_ahead() {
            s = match self.readers_turn.wait(s) {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
        }
        s.readers += 1;
        ReadGuard { lock: self, value: s.value.clone() }
    }

    /// Exclusive access: take a ticket (from now on readers wait), then wait
    /// for our turn and for the readers inside to leave.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut s = self.state();
        let ticket = s.issued;
        s.issued += 1;
        while s.served != ticket || s.readers > 0 {
            s = match self.writers_turn.wait(s) {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
        }
        WriteGuard { lock: self, value: s.value.take() }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_ref().map(|a| &**a).unwrap()
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        let _ = self.value.take();
        let mut s = self.lock.state();
        s.readers -= 1;
        if s.readers == 0 && s.writers_ahead() {
            // Only the writer whose ticket is up can go; wake them all so it is among them.
            self.lock.writers_turn.notify_all();
        }
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_ref().map(|a| &**a).unwrap()
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
        s.served += 1;
        if s.writers_ahead() {
            self.lock.writers_turn.notify_all();
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
        match self.map.read().get(&key).cloned() {
            Some(v) => v,
            None => {
                // The read guard from the line above is already gone, isn't it?
                let mut map = self.map.write();
                if let Some(v) = map.get(&key) {
                    return v.clone();
                }
                let v = make();
                map.insert(key, v.clone());
                v
            }
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for Cache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}
