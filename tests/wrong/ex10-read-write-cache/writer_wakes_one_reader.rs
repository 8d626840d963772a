//! Known wrong: a leaving writer wakes one waiting reader (`notify_one`), so the other readers behind it sleep on with the way clear.
//! expect-fail: model-no-lost-wake-up: `notify_one` wakes one, and the others sleep on

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

use kata_sync::sync::{Arc, Condvar, Mutex, MutexGuard};

struct State<T> {
    /// Readers inside (holding a `ReadGuard`).
    readers: usize,
    /// A writer is inside (holding the `WriteGuard`).
    writer: bool,
    /// Writers in `write()` that are not inside yet. While this is above
    /// zero, new readers wait: that is the writer preference.
    writers_waiting: usize,
    /// The value; `None` only while a writer has it.
    value: Option<Arc<T>>,
}

pub struct RwLock<T> {
    state: Mutex<State<T>>,
    /// Readers sleep here while a writer is inside or waiting.
    readers_turn: Condvar,
    /// Writers sleep here while anyone is inside.
    writers_turn: Condvar,
}

pub struct ReadGuard<'a, T> {
    lock: &'a RwLock<T>,
    /// This reader's clone of the value's `Arc`; `None` only in `drop`.
    value: Option<Arc<T>>,
}

pub struct WriteGuard<'a, T> {
    lock: &'a RwLock<T>,
    /// The value, out of the state while this writer is inside; `None`
    /// only in `drop`.
    value: Option<Arc<T>>,
}

impl<T> RwLock<T> {
    pub fn new(value: T) -> Self {
        let state = State { readers: 0, writer: false, writers_waiting: 0, value: Some(Arc::new(value)) };
        RwLock { state: Mutex::new(state), readers_turn: Condvar::new(), writers_turn: Condvar::new() }
    }

    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut state = self.lock();
        // `while`, never `if`: a wake-up only says "look again" (it may be
        // spurious, or a writer may have started waiting since). A waiting
        // writer keeps new readers out, so a stream of readers cannot
        // starve it.
        while state.writer || state.writers_waiting > 0 {
            state = self.readers_turn.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        // In, in the same lock scope that saw the way clear.
        state.readers += 1;
        let value = state.value.clone();
        ReadGuard { lock: self, value }
        // The mutex is released here: the reader reads through its own
        // `Arc`, beside the other readers.
    }

    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut state = self.lock();
        // Counted as waiting before the first look: from now on, readers
        // that arrive wait behind this writer.
        state.writers_waiting += 1;
        while state.writer || state.readers > 0 {
            state = self.writers_turn.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.writers_waiting -= 1;
        state.writer = true;
        let value = state.value.take();
        WriteGuard { lock: self, value }
    }

    /// The state's lock. No code runs under it but the lock's own
    /// bookkeeping (never the caller's), so it is never poisoned in
    /// practice; if it were, its numbers are whole and safe to take over.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_deref().expect("a reader holds the value until it is dropped")
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    /// Runs on every way out of the reader's scope, an unwinding panic
    /// included: the count can never stay raised.
    fn drop(&mut self) {
        // This reader's clone goes first, before it counts itself out: once
        // the count reaches zero a writer may come in and needs its `Arc`
        // to be the only one.
        drop(self.value.take());
        let mut state = self.lock.lock();
        state.readers -= 1;
        let last_before_writer = state.readers == 0 && state.writers_waiting > 0;
        drop(state);
        // Only the last reader out can let a writer in, and one writer is
        // all that can come in: `notify_one` on the writers' condvar (the
        // readers' condvar has nobody to wake: new readers wait for that
        // writer). Notified after unlocking, so the woken writer does not
        // bump into a held mutex.
        if last_before_writer {
            self.lock.writers_turn.notify_one();
        }
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_deref().expect("a writer holds the value until it is dropped")
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        let value = self.value.as_mut().expect("a writer holds the value until it is dropped");
        // Every reader dropped its clone before it counted itself out, and
        // this writer came in only once the count was zero.
        Arc::get_mut(value).expect("a writer is alone with the value")
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    /// The writer leaves, the value goes back, also while a panic unwinds.
    fn drop(&mut self) {
        let mut state = self.lock.lock();
        state.value = self.value.take();
        state.writer = false;
        let writer_next = state.writers_waiting > 0;
        drop(state);
        if writer_next {
            // Another writer waits: it goes next (readers would only see
            // it waiting and sleep again). One writer can come in: one
            // notify.
            self.lock.writers_turn.notify_one();
        } else {
            // Every waiting reader may come in now, together: notify them
            // all. `notify_one` here would let one in and leave the others
            // asleep with the way clear (a lost wake-up).
            self.lock.readers_turn.notify_one();
        }
    }
}

pub struct Cache<K, V> {
    map: RwLock<HashMap<K, V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    pub fn new() -> Self {
        Cache { map: RwLock::new(HashMap::new()) }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        // The read guard lives to the end of this expression: a clone goes
        // out, never a reference into the map.
        self.map.read().get(key).cloned()
    }

    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.map.write().insert(key, value)
    }

    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        // The common case first, beside the other readers.
        if let Some(value) = self.get(&key) {
            return value;
        }
        // A miss. Between the read guard's drop and the write lock, another
        // thread may have stored the key: look again, now alone. Without
        // this second look, two threads that both missed would both call
        // `make` (check-then-act).
        let mut map = self.map.write();
        if let Some(value) = map.get(&key) {
            return value.clone();
        }
        // `make` runs under the write lock: it is what keeps a second
        // caller from making the value too. If it panics, the guard is
        // dropped as the panic unwinds and the map is left as it was.
        let value = make();
        map.insert(key, value.clone());
        value
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for Cache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}
