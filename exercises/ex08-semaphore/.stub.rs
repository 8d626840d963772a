//! # ex08 · A semaphore of your own
//!
//! Goal: a counting `Semaphore` (Python's `threading.Semaphore`): it holds a
//! number of permits, and at most that many threads hold one at a time. The
//! classic use is a limit: "at most 3 downloads at once", "at most 10
//! connections to the database".
//!
//! - `acquire()` takes a permit, waiting for one if none is free;
//! - `try_acquire()` takes one only if one is free right now;
//! - `acquire_timeout(d)` waits at most `d` for one;
//! - `available()` says how many are free.
//!
//! A permit is a value, a [`Permit`], and it goes back to the semaphore when
//! that value is dropped: at the end of its scope, by `drop(permit)`, and
//! also when the thread holding it panics and unwinds. Nobody calls a
//! `release()`, so nobody can forget it, call it twice, or skip it on the
//! error path (RAII: the guard gives back what it holds).
//!
//! Three promises are easy to break:
//!
//! - **Never more than `permits` holders at once**, in every interleaving:
//!   checking that a permit is free and taking it is one step, under one
//!   lock.
//! - **No lost wake-up.** A thread blocked in `acquire` while another gives
//!   a permit back always gets it (or sees another waiter get it). A timed
//!   waiter that gives up must not swallow a permit's news.
//! - **Waiting costs no CPU.** A blocked thread sleeps until it is woken; it
//!   does not look at the count in a loop.
//!
//! Build it from a `Mutex` and a `Condvar`, imported from `kata_sync` (not
//! `std::sync`), and take `Instant` from `kata_sync::time` for the timeout:
//! the grader runs your code under a model checker (shuttle) that tries many
//! interleavings, injects the spurious wake-ups a real `Condvar` is allowed
//! to have, and lets a `wait_timeout` time out at any moment, on a clock of
//! its own. It only sees what comes from the facade.
//!
//! What `kata check ex08` verifies:
//! - `available()` after acquires and drops, and `try_acquire` at zero;
//! - on real threads, more threads than permits: never more than `permits`
//!   hold one at once, and `permits` of them can hold one at the same time
//!   (a semaphore that lets one at a time through is a mutex);
//! - a thread that panics while holding a permit gives it back;
//! - a thread blocked in `acquire` uses almost no CPU while it waits;
//! - histories of `acquire`, `try_acquire`, drops and `available` from
//!   several threads are linearizable (a failure shows the history, one
//!   column per thread);
//! - under shuttle's schedules: no lost wake-up (also with two permits
//!   given back one after the other while two threads wait), never more
//!   than `permits` holders, `available()` back to `permits` once every
//!   permit is back, `try_acquire` never waiting yet taking a free permit
//!   even while another thread holds the lock, and `acquire_timeout`
//!   giving up only once its timeout has passed, yet taking a permit that
//!   came back in time;
//! - nothing in your crate reaches past the `kata_sync` facade.
//!
//! What it cannot see: fairness (which waiter gets a returned permit first;
//! `threading.Semaphore` promises no order either) and the cost of an
//! uncontended acquire.
//!
//! Read: book/src/exercises/ex08-semaphore.md
//! Check: cargo kata check ex08

use std::time::Duration;

#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::{Condvar, Mutex};
#[allow(unused_imports)]
use kata_sync::time::Instant;

/// A counting semaphore. Shared by reference (`&Semaphore`) or in an `Arc`;
/// every method takes `&self`.
pub struct Semaphore {
    // TODO: the semaphore's state.
}

/// One permit of a [`Semaphore`], held until this value is dropped. Dropping
/// it gives the permit back and lets a waiting thread have it.
pub struct Permit<'a> {
    // TODO: what a permit needs to give itself back. You may change this.
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` free permits. 0 is allowed: `try_acquire`
    /// then says `None`, and `acquire` waits forever, as no permit exists.
    pub fn new(permits: usize) -> Self {
        // TODO
        let _ = permits;
        todo!()
    }

    /// Takes a permit, blocking (asleep) until one is free.
    pub fn acquire(&self) -> Permit<'_> {
        // TODO
        todo!()
    }

    /// Takes a permit if one is free now; `None` at once if not.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        // TODO
        todo!()
    }

    /// `acquire`, for at most `timeout`: `Some(permit)` if one was free or
    /// came back before `timeout` passed, `None` once `timeout` has passed
    /// with none free.
    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        // TODO
        let _ = timeout;
        todo!()
    }

    /// How many permits are free right now.
    pub fn available(&self) -> usize {
        // TODO
        todo!()
    }
}

impl Drop for Permit<'_> {
    /// Gives the permit back to `self.semaphore`, and wakes a waiter.
    fn drop(&mut self) {
        // TODO
        let _ = self.semaphore;
        todo!()
    }
}
