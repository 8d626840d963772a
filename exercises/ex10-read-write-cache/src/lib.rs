//! # ex10 · A read-write cache
//!
//! Goal: a *writer-preferring* read-write lock, `RwLock<T>`, built from a
//! `Mutex` and `Condvar`s (Python has none in `threading`; the classic
//! recipe builds one from a `Condition`), and then a small `Cache<K, V>` on
//! it.
//!
//! - `read()` waits until no writer is inside *and none is waiting*, then
//!   returns a [`ReadGuard`] that derefs to `&T`. Many readers may be
//!   inside at once: that is the point of the lock.
//! - `write()` waits until nobody (reader or writer) is inside, then returns
//!   a [`WriteGuard`] that derefs to `&mut T`. A writer is alone.
//! - **Writer-preferring**: once a writer waits, readers that arrive after
//!   it wait behind it, so a stream of overlapping readers cannot keep a
//!   writer out forever (std's `RwLock` leaves this choice to the platform,
//!   which is why you build your own here).
//! - A guard gives its side of the lock back when it is dropped: at the end
//!   of its scope, by `drop(guard)`, and while a panic unwinds through its
//!   holder. The lock does not poison: after a holder panicked it is free
//!   again, with the value as the holder left it.
//!
//! The cache: `get` takes the read lock (many `get`s run at once),
//! `insert` takes the write lock, and `get_or_insert_with(key, make)`
//! looks under the read lock first and, on a miss, calls `make` to build
//! the value, at most once per missing key, however many threads ask for it
//! at the same moment.
//!
//! The value inside the lock: many readers hold `&T` at once while a writer
//! holds `&mut T` at other times, and `unsafe` (and `UnsafeCell`) is not
//! allowed here. The chapter shows a safe way (hint: `Arc::get_mut`).
//! Do not let a library's read-write lock decide who waits: that policy is
//! the exercise.
//!
//! Build it from `Mutex` and `Condvar` imported from `kata_sync` (not
//! `std::sync`): the grader runs your code under a model checker (shuttle)
//! that tries many interleavings and injects the spurious wake-ups a real
//! `Condvar` is allowed to have. It only sees what comes from the facade.
//!
//! What `kata check ex10` verifies:
//! - one thread: reads see what writes wrote, two read guards at once, and
//!   the cache's `get`, `insert` and `get_or_insert_with` answers;
//! - on real threads: readers are inside together (a lock that lets one
//!   reader in at a time is a mutex), a writer is never inside with anyone,
//!   a writer that waits gets in before the readers that came after it
//!   (counted in read acquisitions, not in time), a panicking holder (reader,
//!   writer, or a `make` that panics) leaves the lock and cache usable, a
//!   thread blocked in `read` or `write` uses almost no CPU, and histories
//!   of the cache's calls from several threads are linearizable (a failure
//!   shows the history, one column per thread);
//! - under shuttle's schedules (over a thousand): a writer is never inside
//!   with anyone, readers that wait behind a writer are all woken when it
//!   leaves (no lost wake-up), a writer waiting is never overtaken by a
//!   reader that came later, and `get_or_insert_with` calls `make` once for
//!   a key that several threads ask for;
//! - nothing in your crate reaches past the `kata_sync` facade.
//!
//! What it cannot see: which of several waiting writers goes first, and
//! whether readers waiting behind a writer go before the next writer (both
//! are your choice); and the speed of an uncontended `read`.
//!
//! Read: book/src/exercises/ex10-read-write-cache.md
//! Check: cargo kata check ex10

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::{Arc, Condvar, Mutex};

/// A writer-preferring read-write lock around a `T`. Shared by reference
/// (`&RwLock<T>`) or in an `Arc`; every method takes `&self`.
pub struct RwLock<T> {
    // TODO: the lock's state (who is inside, who waits) and the value.
    value: std::marker::PhantomData<T>,
}

/// Shared access to the value of a [`RwLock`], held until dropped.
pub struct ReadGuard<'a, T> {
    // TODO: what a reader needs to read, and to leave. You may change this.
    lock: &'a RwLock<T>,
}

/// Exclusive access to the value of a [`RwLock`], held until dropped.
pub struct WriteGuard<'a, T> {
    // TODO: what a writer needs to write, and to leave. You may change this.
    lock: &'a RwLock<T>,
}

impl<T> RwLock<T> {
    /// A new, unlocked lock around `value`.
    pub fn new(value: T) -> Self {
        // TODO
        let _ = value;
        todo!()
    }

    /// Shared access: waits (asleep) while a writer is inside or waiting,
    /// then lets this reader in beside any other readers.
    pub fn read(&self) -> ReadGuard<'_, T> {
        // TODO
        todo!()
    }

    /// Exclusive access: waits (asleep) until no reader and no writer is
    /// inside. From the moment it starts waiting, readers that arrive wait
    /// behind it.
    pub fn write(&self) -> WriteGuard<'_, T> {
        // TODO
        todo!()
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // TODO
        let _ = self.lock;
        todo!()
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    /// This reader leaves; the last one out lets a waiting writer in.
    fn drop(&mut self) {
        // TODO
        todo!()
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // TODO
        let _ = self.lock;
        todo!()
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // TODO
        todo!()
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    /// The writer leaves, and lets the next one(s) in: a waiting writer, or
    /// every waiting reader.
    fn drop(&mut self) {
        // TODO
        todo!()
    }
}

/// A map shared by threads, on your [`RwLock`]: lookups share the lock,
/// changes take it alone.
pub struct Cache<K, V> {
    // TODO: you may change this.
    map: RwLock<HashMap<K, V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    /// An empty cache.
    pub fn new() -> Self {
        // TODO
        todo!()
    }

    /// The value stored for `key`, if any (a clone), under the read lock.
    pub fn get(&self, key: &K) -> Option<V> {
        // TODO
        let _ = (key, &self.map);
        todo!()
    }

    /// Stores `value` for `key` under the write lock, and returns the value
    /// it replaced, if any.
    pub fn insert(&self, key: K, value: V) -> Option<V> {
        // TODO
        let _ = (key, value);
        todo!()
    }

    /// The value for `key`: the stored one if there is one, else `make()`,
    /// stored and returned. `make` runs at most once per missing key, even
    /// when several threads ask for it at the same moment, and only while
    /// the key is missing.
    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        // TODO
        let _ = (key, make);
        todo!()
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for Cache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}
