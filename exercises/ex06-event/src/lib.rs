//! # ex06 · Event
//!
//! Goal: an `Event`, the simplest way for one thread to tell others "it has
//! happened" (Python's `threading.Event`). It holds one flag:
//!
//! - `set()` raises the flag and releases every thread waiting on it;
//! - `clear()` lowers it again, so the event can be used once more;
//! - `is_set()` reads it;
//! - `wait()` returns at once if the flag is up, and otherwise blocks until a
//!   `set()`;
//! - `wait_timeout(d)` is `wait` that gives up after `d`: it returns `true`
//!   if it was released by a `set()`, `false` if the time ran out.
//!
//! Two promises are easy to break:
//!
//! - **Every thread waiting when `set()` is called is released**, even if
//!   another thread calls `clear()` right after: a `set()` that is cleared
//!   before a waiter got to look must still release that waiter.
//! - **Waiting costs no CPU.** A blocked thread sleeps until it is woken; it
//!   does not check the flag in a loop.
//!
//! Build it from a `Mutex` and a `Condvar`, imported from `kata_sync` (not
//! `std::sync`), and take `Instant` from `kata_sync::time` if you need a
//! clock: the grader runs your code under a model checker (shuttle) that
//! tries many interleavings, injects the spurious wake-ups a real `Condvar`
//! is allowed to have, and lets a `wait_timeout` time out at any moment, on
//! a clock of its own. It only sees what comes from the facade, and only the
//! facade's `Condvar` times out under it (a channel's `recv_timeout` would
//! wait forever there).
//!
//! What `kata check ex06` verifies:
//! - set, clear and is_set do what they say, and the event can be reused;
//! - under shuttle's schedules: no lost wake-up (a waiter never sleeps
//!   through a `set()`), every waiter released by one `set()`, also when a
//!   `clear()` follows at once, and no waiter released without a `set()`
//!   (a spurious wake-up or a timeout must not pass for one);
//! - on real threads, histories of set, clear, is_set and wait_timeout from
//!   several threads are linearizable: each call takes effect at one moment
//!   between its call and its return (a failure shows the history, one
//!   column per thread);
//! - `wait_timeout` returns after its timeout, not much before or after;
//! - a thread blocked in `wait` uses almost no CPU while it waits;
//! - nothing in your crate reaches past the `kata_sync` facade.
//!
//! What it cannot see: fairness (which waiter runs first once released) and
//! what your event costs when nobody waits.
//!
//! Read: book/src/exercises/ex06-event.md
//! Check: cargo kata check ex06

use std::time::Duration;

#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::{Condvar, Mutex};
#[allow(unused_imports)]
use kata_sync::time::Instant;

/// A flag that threads can wait for. Shared by reference (`&Event`) or in an
/// `Arc`; every method takes `&self`.
pub struct Event {
    // TODO: the event's state.
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Self {
        // TODO
        todo!()
    }

    /// Raises the flag and releases every thread waiting in `wait` or
    /// `wait_timeout`. Setting an event that is already set changes nothing.
    pub fn set(&self) {
        // TODO
        todo!()
    }

    /// Lowers the flag. Threads that were released by an earlier `set` stay
    /// released; threads that call `wait` from now on block again.
    pub fn clear(&self) {
        // TODO
        todo!()
    }

    /// Whether the flag is up.
    pub fn is_set(&self) -> bool {
        // TODO
        todo!()
    }

    /// Blocks until the flag is up (returns at once if it is), or until a
    /// `set` while this thread waited, even one cleared since.
    pub fn wait(&self) {
        // TODO
        todo!()
    }

    /// `wait`, for at most `timeout`: `true` if released by a `set` (or the
    /// flag was already up), `false` if `timeout` passed first.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        // TODO
        let _ = timeout;
        todo!()
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
