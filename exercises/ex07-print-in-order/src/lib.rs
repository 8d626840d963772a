//! # ex07 · Print in order
//!
//! Goal: make threads take turns. Two small puzzles (LeetCode 1114 and
//! 1115), both about one thing: a thread that arrives too early must wait
//! for its turn, asleep, and the thread whose turn ends must wake it.
//!
//! - `InOrder`: three threads share one `InOrder`. One calls `first(f)`,
//!   one `second(g)`, one `third(h)`, and they may arrive in any order.
//!   Whatever the order of arrival, `f` runs before `g`, and `g` before `h`;
//!   each runs exactly once, on the thread that passed it.
//! - `Alternate`: two threads share one `Alternate::new(n)`. One calls
//!   `foo(f)`, the other `bar(g)`; each calls its closure `n` times, and the
//!   calls alternate: f, g, f, g, ... (n of each, starting with f), whichever
//!   thread starts first.
//!
//! Build both from a `Mutex` and a `Condvar` imported from `kata_sync`
//! (not `std::sync`); channels from `kata_sync::sync::mpsc` work too. The
//! grader runs your code under a model checker (shuttle) that tries
//! thousands of interleavings and injects the spurious wake-ups a real
//! `Condvar` is allowed to have; it only sees what comes from the facade.
//!
//! Never order threads with `thread::sleep`. A sleep says "by then the other
//! one has probably finished": on a busy machine it has not. Under the model
//! checker `kata_sync::thread::sleep` only lets other threads run, so a
//! sleep-ordered solution fails there, as it would one day on a real one.
//!
//! What `kata check ex07` verifies:
//! - on real threads, for all 6 orders of arrival of the three threads
//!   (started one after the other, some time apart): `first`, `second`,
//!   `third`'s closures run in that order, once each;
//! - on real threads, `Alternate` for several `n`, with `bar`'s thread
//!   sometimes started first: exactly n of each, strictly alternating;
//! - a thread that arrives early (`third` before `first`) uses almost no
//!   CPU while it waits: no spin, no `yield_now` loop;
//! - under shuttle, in every schedule tried (random and PCT, fixed seeds),
//!   spurious wake-ups included: the order holds, nobody sleeps forever (no
//!   lost wake-up, no `notify_one` that wakes the wrong thread), and no
//!   thread sleeps to wait for its turn;
//! - nothing in your crate reaches past the `kata_sync` facade.
//!
//! What it cannot see: what happens when a closure panics (its turn is
//! then never passed on; here that is allowed), and anything about speed.
//!
//! Read: book/src/exercises/ex07-print-in-order.md
//! Check: cargo kata check ex07

#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::{Condvar, Mutex};

/// Runs three closures, passed by three threads, in the order first,
/// second, third, however the threads arrive. Shared by reference
/// (`&InOrder`) or in an `Arc`; every method takes `&self`.
pub struct InOrder {
    // TODO: whose turn it is, and a way to sleep until it is yours.
}

impl InOrder {
    /// A new `InOrder`: nothing has run yet, so it is `first`'s turn.
    pub fn new() -> Self {
        // TODO
        todo!()
    }

    /// Runs `f` at once (it is always `first`'s turn to begin with), then
    /// lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        // TODO
        let _ = f;
        todo!()
    }

    /// Waits (asleep) until `first`'s closure has run, runs `f`, then lets
    /// `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        // TODO
        let _ = f;
        todo!()
    }

    /// Waits (asleep) until `second`'s closure has run, then runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        // TODO
        let _ = f;
        todo!()
    }
}

impl Default for InOrder {
    fn default() -> Self {
        Self::new()
    }
}

/// Two threads taking turns, `n` turns each: `foo`'s closure, then
/// `bar`'s, then `foo`'s again, and so on. Shared like `InOrder`.
pub struct Alternate {
    // TODO: how many turns, and whose turn it is.
}

impl Alternate {
    /// A new `Alternate` of `n` turns each, `foo` to go first.
    pub fn new(n: usize) -> Self {
        // TODO
        let _ = n;
        todo!()
    }

    /// Calls `f` `n` times, each time waiting (asleep) for its turn and then
    /// handing the turn to `bar`.
    pub fn foo(&self, f: impl FnMut()) {
        // TODO
        let _ = f;
        todo!()
    }

    /// Calls `f` `n` times, each time waiting (asleep) until `foo`'s closure
    /// has run once more, then handing the turn back.
    pub fn bar(&self, f: impl FnMut()) {
        // TODO
        let _ = f;
        todo!()
    }
}
