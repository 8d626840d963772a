//! # ex09 · Barrier phases
//!
//! Goal: a reusable barrier of your own (Python's `threading.Barrier`), and
//! then a function that runs `k` workers through `p` phases on it, so that
//! no worker starts phase `j + 1` before every worker has finished phase `j`.
//!
//! `Barrier::new(n)` is a meeting point for `n` threads:
//!
//! - `wait()` blocks until `n` threads have called it, then all `n` return;
//!   this is one *generation* of the barrier;
//! - exactly one of the `n` calls of a generation returns a result whose
//!   `is_leader()` is `true` (any one of them; the others say `false`);
//! - the barrier is **reusable**: once a generation is released, the next
//!   `n` calls to `wait()` form the next one, and so on for ever. A thread
//!   that is released and calls `wait()` again at once counts toward the
//!   *next* generation, never toward the one that just let it go;
//! - `new(1)`: every `wait()` returns at once, as the leader. `new(0)` acts
//!   as `new(1)` (as std's `Barrier` does). Neither panics.
//!
//! `run_phases(k, p, work)` calls `work(worker, phase)` for every worker in
//! `0..k` and every phase in `0..p`, and returns the results by phase:
//! `results[phase][worker]`. Its promises:
//!
//! - **Phases in order**: no call `work(_, j + 1)` begins before every call
//!   `work(_, j)` has returned. Within a phase, the `k` workers run at the
//!   same time (on `k` threads), in any order;
//! - **the same `k` threads for all `p` phases**: worker `w` runs all its
//!   phases, in order, on one thread of its own (the thread that calls
//!   `run_phases` may be one of them). Starting threads afresh for each
//!   phase, and joining them in between, is not this exercise: the workers
//!   meet at your `Barrier` between phases;
//! - `p = 0`: returns an empty `Vec` and never calls `work`; `k = 0`:
//!   returns `p` empty rows and never calls `work`.
//!
//! Build the barrier from a `Mutex` and a `Condvar` imported from
//! `kata_sync` (not `std::sync`), and start threads with `kata_sync::thread`
//! (`scope` or `spawn`): the grader runs your code under a model checker
//! (shuttle) that tries many interleavings and injects the spurious wake-ups
//! a real `Condvar` is allowed to have. It only sees what comes from the
//! facade. A ready-made barrier (`std::sync::Barrier`, or the one
//! `kata_sync::sync` re-exports) is not the lesson: the grader counts the
//! facade's locks your `wait` takes, and a `wait` that takes none fails.
//!
//! What `kata check ex09` verifies:
//! - `new(1)` and `new(0)` release every `wait` at once, as leader; the
//!   edges `p = 0`, `k = 0` and `k = 1` of `run_phases`;
//! - on real threads and under shuttle's schedules: no thread leaves `wait`
//!   before all `n` of its generation have arrived, over many generations
//!   of one barrier; every generation is released (no lost wake-up, no
//!   barrier that jams after its first use); exactly one leader each;
//! - `run_phases`: results in place, no worker in phase `j + 1` before all
//!   have finished phase `j` (also when one worker is much slower than the
//!   others), and the same `k` distinct threads for every phase (by their
//!   thread ids);
//! - threads blocked in `wait` use almost no CPU while they wait;
//! - no order is made by sleeping (`thread::sleep`), and nothing in your
//!   crate reaches past the `kata_sync` facade.
//!
//! What it cannot see: which thread is picked as leader (any one is right),
//! and whether `run_phases` meets at your own `Barrier` or at some other
//! correct meeting point built from the facade (use yours).
//!
//! Read: book/src/exercises/ex09-barrier-phases.md
//! Check: cargo kata check ex09

#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::{Condvar, Mutex};
#[allow(unused_imports)]
use kata_sync::thread;

/// A reusable meeting point for `n` threads. Shared by reference
/// (`&Barrier`) or in an `Arc`; `wait` takes `&self`.
pub struct Barrier {
    // TODO: the barrier's state.
}

/// What `wait` returns: whether this thread was its generation's leader.
pub struct BarrierWaitResult {
    // TODO
}

impl BarrierWaitResult {
    /// `true` for exactly one thread of each generation.
    pub fn is_leader(&self) -> bool {
        // TODO
        todo!()
    }
}

impl Barrier {
    /// A barrier for `n` threads (`0` acts as `1`).
    pub fn new(n: usize) -> Self {
        // TODO
        let _ = n;
        todo!()
    }

    /// Blocks until `n` threads have called `wait` in this generation, then
    /// returns in all of them, one of them as the leader. The next `n` calls
    /// form the next generation.
    pub fn wait(&self) -> BarrierWaitResult {
        // TODO
        todo!()
    }
}

/// Runs `work(worker, phase)` for `k` workers through `p` phases, on the
/// same `k` threads for every phase, none starting phase `j + 1` before all
/// have finished phase `j`. Returns `results[phase][worker]`: `p` rows of `k`.
pub fn run_phases<T, F>(k: usize, p: usize, work: F) -> Vec<Vec<T>>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    // TODO
    let _ = (k, p, work);
    todo!()
}
