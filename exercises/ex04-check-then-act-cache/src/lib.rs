//! # ex04 · Check-then-act cache
//!
//! Goal: a cache that many threads share. `get_or_load(key, load)` returns
//! the value for `key`, calling `load` only if no thread has loaded that key
//! before. Loading is slow (think: a database query), so:
//!
//! - the loader must run **exactly once per key**, however many threads ask
//!   for the same key at the same moment;
//! - loads of **different keys must be able to run at the same time**: one
//!   slow key must not hold up every other.
//!
//! The classic bug is check-then-act: "is the key there? no? then load it"
//! as two steps, with the lock released in between. Two threads can both see
//! "missing" and both load. The opposite mistake holds one lock around every
//! load: correct, but every load then waits for every other.
//!
//! Import every lock, atomic and thread from `kata_sync` (not `std::sync`):
//! the grader runs your code under a model checker (shuttle) that tries many
//! interleavings, and it only sees what comes from the facade.
//!
//! What `kata check ex04` verifies:
//! - values come back as loaded, and a second call does not load again;
//! - 8 real threads asking for one key at once cause one load;
//! - under shuttle's schedules, `load` runs once per key with 3 threads
//!   asking for it at once (a failure prints the interleaving and a seed to
//!   replay it with `cargo kata check ex04 --replay <seed>`);
//! - two different keys can be loading at the same time;
//! - nothing in your crate reaches past the `kata_sync` facade.
//!
//! What it cannot see: how long your locks are held beyond that, or memory
//! used by keys that are never asked for again.
//!
//! Read: book/src/exercises/ex04-check-then-act-cache.md
//! Check: cargo kata check ex04

use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;

#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::{Arc, Condvar, Mutex, RwLock};

/// A cache shared by many threads (`&Cache` is all they get).
pub struct Cache<K, V> {
    // TODO: replace this with the cache's state.
    _todo: PhantomData<Mutex<HashMap<K, V>>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    /// An empty cache.
    pub fn new() -> Self {
        // TODO
        todo!()
    }

    /// The value for `key`: the cached one, or the one `load` returns, which
    /// is then cached. `load` runs at most once per key in the life of the
    /// cache, even when many threads ask for the same key at once; threads
    /// asking for a key that is being loaded wait for that load. Loads of
    /// different keys may run at the same time.
    pub fn get_or_load(&self, key: K, load: impl FnOnce(&K) -> V) -> V {
        // TODO
        let _ = (key, load);
        todo!()
    }
}

impl<K, V> Default for Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    fn default() -> Self {
        Self::new()
    }
}
