//! # ex16 · Atomics
//!
//! Goal: three small tools that many threads share with no lock at all,
//! each built on one or two atomics from `kata_sync::sync::atomic`:
//!
//! 1. `IdAllocator`: hands out distinct ids from a range, then `None`
//!    forever. The lesson is the compare-exchange loop (or `fetch_update`):
//!    a read-modify-write that may decide *not* to write.
//! 2. `Progress`: a counter that many workers bump and anyone may read
//!    while they run. The lesson is that `Ordering::Relaxed` is right here,
//!    and why.
//! 3. `StopFlag`: one thread asks everyone to stop, for a reason; the first
//!    stop wins. The lesson is `Release` on the write and `Acquire` on the
//!    read: a worker that sees the flag must also see everything the
//!    stopping thread wrote before it, the reason included.
//!
//! Import every atomic and thread from `kata_sync` (not `std::sync` or
//! `std::thread`): the grader runs your code under loom, a model checker
//! that tries every interleaving of 2 or 3 threads (up to 2 preemptions)
//! and, for atomics, every value a read is allowed to return by the memory
//! model. loom only sees what comes from the facade. No `unsafe`, no lock
//! is needed (a `Mutex` would be correct, but it is not the lesson).
//!
//! What `kata check ex16` verifies:
//! - on one thread, every edge of the contracts below (an empty range, a
//!   range that ends at `u64::MAX`, `None` forever after the last id, a
//!   reason of 0, a second stop that changes nothing);
//! - on real threads, as a second opinion only: ids distinct and complete,
//!   progress exact and never going back;
//! - under loom, in every interleaving: no id handed out twice, none outside
//!   the range, every id handed out when asked often enough, the counter
//!   never wrapping past `u64::MAX` back into the range; progress exact and
//!   never decreasing as one reader sees it; exactly one stop winning, and a
//!   thread that sees the flag seeing the winner's reason and the data the
//!   winner wrote (with `Relaxed`) before it stopped. A failure prints the
//!   interleaving, what each thread did and saw, and a `--replay` command.
//!
//! What it cannot see: a wrong ordering often works on x86, whose CPU keeps
//! stores in order and never lets a thread read them out of order, so real
//! threads on this machine cannot show the bug. loom can: it models what the
//! language allows (ARM and other weak-memory CPUs do reorder), which is why
//! loom, not a stress run, judges orderings. loom explores up to 2
//! preemptions: a bug that needs more thread switches than that is not
//! found. It cannot tell `SeqCst` from what you need either: a stronger
//! ordering than needed passes (the chapter says why it is still not the
//! habit to pick).
//!
//! Read: book/src/exercises/ex16-atomics.md
//! Check: cargo kata check ex16

#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// Hands out the ids `first, first + 1, ..., limit - 1`, each exactly once,
/// to any number of threads at once; after the last one, `None` forever.
///
/// The contract, every edge of it:
/// - no id is handed out twice, and none outside `first..limit` (so never
///   `limit`, never more);
/// - every id of the range is handed out before the first `None`: a `None`
///   means the range is used up, never "try again";
/// - the range may end at `u64::MAX` (`starting_at(u64::MAX - 2, u64::MAX)`
///   hands out 2 ids): whatever the state, it must not wrap around past
///   `u64::MAX` and hand out low ids again, however often `next_id` is
///   called, by however many threads;
/// - an empty range (`new(0)`, or `first >= limit`) hands out nothing;
/// - the order in which threads get ids is not promised (who asks first
///   need not get the smallest).
///
/// You may change the private fields; keep the public API.
#[allow(dead_code)] // TODO: remove once the fields are used
pub struct IdAllocator {
    /// The next id to hand out (or your own encoding of the state).
    next: AtomicU64,
    /// One past the last id.
    limit: u64,
}

impl IdAllocator {
    /// The ids `0..limit`.
    pub fn new(limit: u64) -> IdAllocator {
        IdAllocator::starting_at(0, limit)
    }

    /// The ids `first..limit` (none when `first >= limit`).
    pub fn starting_at(first: u64, limit: u64) -> IdAllocator {
        // TODO
        let _ = (first, limit);
        todo!()
    }

    /// The next unused id, or `None` once every id of the range is taken.
    /// Safe to call from many threads at once.
    pub fn next_id(&self) -> Option<u64> {
        // TODO: one read-modify-write that hands out `n` and moves the
        // state on to `n + 1`, and that does not write at all when the range
        // is used up.
        todo!()
    }
}

/// How many items the workers have done so far: each worker calls `add`
/// after each batch it finishes; a monitor calls `done` while they run.
///
/// The contract:
/// - no addition is lost: once every worker has been joined, `done` is the
///   sum of every `n` passed to `add`;
/// - while workers run, `done` returns some total that the additions have
///   reached, never more than has been added, and one thread that calls
///   `done` again and again never sees it go down;
/// - `add(0)` changes nothing; the checks keep the total far below
///   `u64::MAX` (what happens past it is not part of the contract).
///
/// Say in a comment which `Ordering` you use, and why it is enough.
#[allow(dead_code)] // TODO: remove once the field is used
pub struct Progress {
    done: AtomicU64,
}

impl Progress {
    /// Nothing done yet.
    pub fn new() -> Progress {
        // TODO
        todo!()
    }

    /// `n` more items done.
    pub fn add(&self, n: u64) {
        // TODO
        let _ = n;
        todo!()
    }

    /// How many items are done so far.
    pub fn done(&self) -> u64 {
        // TODO
        todo!()
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

/// A request to stop, with a reason, for workers that look at it between
/// items: one thread (a supervisor, or a worker that found the answer or an
/// error) calls `stop`; the workers call `stopped` and finish.
///
/// The contract:
/// - `stopped` returns `None` until a `stop` has happened, then
///   `Some(reason)` forever, with the reason of the winning `stop`;
/// - the first `stop` wins: exactly one call returns `true` and its reason
///   is the one every thread sees; every other call returns `false` and
///   changes nothing, even when two threads stop at the same moment;
/// - every reason is a real reason, 0 and `u32::MAX` included (none means
///   "not stopped");
/// - it publishes: everything the winning thread wrote before its `stop`
///   (in any variable, atomic or not, with any ordering) is visible to a
///   thread once its `stopped` has returned `Some`. That is what lets a
///   worker that found an answer store it and then stop, and the others
///   read it after they see the flag.
#[allow(dead_code)] // TODO: remove once the field is used, or change it
pub struct StopFlag {
    /// Your encoding of "running" or "stopped, for this reason" (one
    /// `AtomicU64` can hold both; two atomics can too, with more care).
    state: AtomicU64,
}

impl StopFlag {
    /// Not stopped.
    pub fn new() -> StopFlag {
        // TODO
        todo!()
    }

    /// Asks every worker to stop, for `reason`. Returns `true` if this call
    /// stopped it, `false` if it was already stopped (and then changes
    /// nothing).
    pub fn stop(&self, reason: u32) -> bool {
        // TODO
        let _ = reason;
        todo!()
    }

    /// `None` while running; `Some(reason)` once stopped, with the reason of
    /// the `stop` that won.
    pub fn stopped(&self) -> Option<u32> {
        // TODO
        todo!()
    }
}

impl Default for StopFlag {
    fn default() -> StopFlag {
        StopFlag::new()
    }
}
