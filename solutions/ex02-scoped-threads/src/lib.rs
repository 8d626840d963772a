//! # ex02 · Threads that borrow — reference solution
//!
//! `std::thread::scope` is the lesson: every thread spawned in the scope is
//! joined before `scope` returns, so the threads may borrow `data` and `f`
//! from the caller's frame. With `std::thread::spawn` the closure would
//! have to be `'static`, which a `&[u64]` parameter is not (E0521; see
//! tests/compile-fail/ex02_spawn_borrows_slice.rs).

use std::thread;

/// The sum of `data`, computed on `min(k, data.len())` threads that borrow
/// `data` (see [`chunked_sum_by`] for the whole contract): the same as
/// `chunked_sum_by(data, k, |x| x)`.
///
/// # Panics
/// If `k` is zero.
pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

/// The sum of `f(x)` for every `x` in `data`, computed on `k` threads at
/// once (the contract is the stub's: shares differing by at most one, a
/// wrapping sum, `k == 0` panics).
///
/// # Panics
/// If `k` is zero (even for empty `data`), or if `f` panics.
pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    // First, before any edge: the contract says k == 0 panics even for an
    // empty slice, so this cannot hide behind the early return below.
    assert!(k > 0, "chunked_sum needs at least one thread (k = 0)");
    let threads = k.min(data.len());
    if threads == 0 {
        // Empty data: no share, no thread, and the empty sum is 0.
        return 0;
    }
    // The first `len % threads` shares take one element more. Chunks of
    // `len.div_ceil(k)` would leave threads without work (6 on 4 makes 3
    // chunks of 2), and chunks of `len / k` lose or pile up the tail.
    let (base, extra) = (data.len() / threads, data.len() % threads);
    // `&F` is `Copy`, so every `move` closure below takes its own copy of
    // the reference, not `f` itself: that is why `F: Sync` is enough.
    let f = &f;
    thread::scope(|s| {
        let mut rest = data;
        let mut handles = Vec::with_capacity(threads);
        for i in 0..threads {
            // `split_at` hands out sub-slices of the caller's data: a
            // borrow, no copy. `share` lives as long as `data`, which
            // outlives the scope, so the spawned closure may hold it.
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            handles
                .push(s.spawn(move || share.iter().fold(0u64, |sum, &x| sum.wrapping_add(f(x)))));
        }
        // Only now, with every thread running, wait for them: a join inside
        // the loop above would run the shares one after another.
        handles
            .into_iter()
            .fold(0u64, |total, handle| match handle.join() {
                Ok(sum) => total.wrapping_add(sum),
                // Pass the panic of `f` on with its own message, rather than
                // the scope's generic "a scoped thread panicked".
                Err(panic) => std::panic::resume_unwind(panic),
            })
    })
}
