//! # ex03 · Lost update
//!
//! Goal: `threads` threads each add 1 to a count, `per_thread` times, and not
//! one addition may be lost. You write it four times, each with its own
//! technique:
//!
//! 1. `count_with_lock`: every thread locks the `Mutex` it is given for each
//!    addition;
//! 2. `count_with_channel`: a queue. Workers send their increments on an
//!    `mpsc` channel; one owner, the calling thread, receives and counts them;
//! 3. `count_with_results`: result aggregation. Each thread counts on its own
//!    and returns its count; the caller joins the threads and adds up;
//! 4. `count_with_atomic`: one atomic counter, updated with a
//!    read-modify-write (`fetch_add`).
//!
//! `racy_count` below is given, finished and wrong on purpose: each thread
//! reads the counter, then writes back one more. Between the read and the
//! write another thread can do the same, and one of the two updates is lost.
//! The grader runs it and shows you how many it lost. Leave it as it is.
//!
//! Import every lock, atomic, channel and thread from `kata_sync` (not
//! `std::sync` or `std::thread`): the grader runs your code under model
//! checkers that try many interleavings (shuttle for the first three, loom
//! for the atomic one), and they only see what comes from the facade.
//! Use `thread::spawn` with `Arc`, not `thread::scope`: loom compiles this
//! whole file and has no `thread::scope`. For the same reason, receive with
//! `rx.recv()` in a loop: loom's receiver is not an iterator.
//!
//! What `kata check ex03` verifies:
//! - on real threads, each counter counts exactly, for 0 to 8 threads, and
//!   again in a stress run (shown beside the racy demo's count);
//! - the operations are counted too: `count_with_lock` takes the lock once
//!   per addition and `count_with_atomic` makes one `fetch_add` per
//!   addition, on the threads it started (one lock held across a whole loop,
//!   or one add of a thread's whole share, counts right but teaches nothing);
//! - under shuttle's schedules, the lock, channel and results counters count
//!   exactly with 2 and 3 threads;
//! - under loom, the atomic counter counts exactly in every interleaving (up
//!   to 2 preemptions) with 2 and 3 threads. Its counter writes down every
//!   access, so a failure shows the interleaving step by step and a command
//!   to replay it;
//! - each counter uses its own technique: the check reads this file and
//!   looks in each function's body (and in the functions, types and statics
//!   of this file that it names) for the primitive it expects, and for the
//!   other techniques' primitives;
//! - nothing in your crate reaches past the `kata_sync` facade.
//!
//! What it cannot see: the technique check reads text, not meaning. It does
//! not follow code in other files or crates, nor what a macro expands to,
//! and it cannot tell how many messages a channel worker sends (send one per
//! increment, as the lesson intends). A counter that counts right by some
//! other means may fool it; it is there to keep you honest, not to catch a
//! determined cheat.
//!
//! Read: book/src/exercises/ex03-lost-update.md
//! Check: cargo kata check ex03

#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::atomic::{AtomicU64, Ordering};
#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::{hint, thread};

/// Given, and racy on purpose: `threads` threads each add 1 to one counter,
/// `per_thread` times, with a separate read and write. Returns what the
/// counter holds at the end, which is usually less than
/// `threads * per_thread`.
pub fn racy_count(threads: usize, per_thread: u64) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    // Two steps: another thread may write between them, and
                    // this store then overwrites its update. Ordering:
                    // Relaxed, and no ordering would help: the bug is the
                    // gap between two operations, not the order of either.
                    let seen = counter.load(Ordering::Relaxed);
                    // A little busy work stands in for real work between the
                    // read and the write, so that lost updates show on any
                    // machine. Without it they still happen, only less often.
                    for _ in 0..3 {
                        hint::spin_loop();
                    }
                    counter.store(seen + 1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for handle in handles {
        handle
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
    }
    // Ordering: Relaxed is enough, the joins above made every store visible.
    counter.load(Ordering::Relaxed)
}

/// 1. The lock: start `threads` threads; each adds 1 to `counter`,
///    `per_thread` times, holding the lock for each addition. Return once
///    every thread has finished.
pub fn count_with_lock(counter: Arc<Mutex<u64>>, threads: usize, per_thread: u64) {
    // TODO
    let _ = (counter, threads, per_thread);
    todo!()
}

/// 2. The queue: start `threads` workers; each sends `per_thread`
///    increments (one message each) on an `mpsc` channel. The calling thread
///    is the only one that counts: it receives every increment, adds it up
///    and returns the total once every worker is done.
pub fn count_with_channel(threads: usize, per_thread: u64) -> u64 {
    // TODO
    let _ = (threads, per_thread);
    todo!()
}

/// 3. Result aggregation: start `threads` threads; each counts `per_thread`
///    increments in a variable of its own and returns its count. The calling
///    thread joins them and returns the sum. Nothing is shared.
pub fn count_with_results(threads: usize, per_thread: u64) -> u64 {
    // TODO
    let _ = (threads, per_thread);
    todo!()
}

/// What `count_with_atomic` may do with its counter: the operations of an
/// `AtomicU64`, which implements it. The grader passes a counter of its own
/// that also writes down every access, so that a failure can show you the
/// interleaving that broke your code.
pub trait AtomicCounter: Send + Sync + 'static {
    /// Reads the value.
    fn load(&self, order: Ordering) -> u64;
    /// Writes `value`.
    fn store(&self, value: u64, order: Ordering);
    /// Adds `value` and returns the value before, in one indivisible step.
    fn fetch_add(&self, value: u64, order: Ordering) -> u64;
}

impl AtomicCounter for AtomicU64 {
    fn load(&self, order: Ordering) -> u64 {
        AtomicU64::load(self, order)
    }
    fn store(&self, value: u64, order: Ordering) {
        AtomicU64::store(self, value, order)
    }
    fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
        AtomicU64::fetch_add(self, value, order)
    }
}

/// 4. The atomic: start `threads` threads; each adds 1 to `counter`,
///    `per_thread` times. Return once every thread has finished.
pub fn count_with_atomic<C: AtomicCounter>(counter: Arc<C>, threads: usize, per_thread: u64) {
    // TODO
    let _ = (counter, threads, per_thread);
    todo!()
}
