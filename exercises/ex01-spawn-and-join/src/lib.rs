//! # ex01 · Spawn and join
//!
//! Goal: write `parallel_map(items, f, n)`, which applies `f` to every item
//! on `n` threads running at the same time and returns the results in the
//! order of `items`.
//!
//! In Python, threads doing CPU work take turns under the GIL. Rust has no
//! GIL: every thread you spawn can run on its own core, and the compiler
//! checks at build time that what the threads share is safe to share (that is
//! what the `Send` and `Sync` bounds below are for).
//!
//! What `kata check ex01` verifies:
//! - the results come back in the order of the items, whatever order the
//!   threads finish in;
//! - `f` ran on exactly `min(n, items.len())` threads, and they ran at the
//!   same time (spawning a thread and joining it at once is not parallel);
//! - empty input and fewer items than threads work;
//! - `n = 0` panics, and a panic in `f` reaches the caller (as documented
//!   below), whatever thread it happened on.
//!
//! What it cannot see: how evenly you split the work beyond that, or how long
//! your threads live after returning (scoped threads settle that for you).
//!
//! Read: book/src/exercises/ex01-spawn-and-join.md
//! Check: cargo kata check ex01

/// Applies `f` to every item, using `n` threads at once (or one thread per
/// item when there are fewer items than `n`), and returns the results in the
/// order of `items`.
///
/// `f` is borrowed by every thread, so it must be `Sync`; items move to the
/// threads and results move back, so both must be `Send`. Nothing needs to be
/// `'static`.
///
/// # Panics
/// If `n` is zero, or if `f` panics.
pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    // TODO: split `items` into min(n, items.len()) parts whose sizes differ
    // by at most one, start one thread per part, and put the results back
    // together in the order of `items`.
    let _ = (items, f, n);
    todo!()
}
