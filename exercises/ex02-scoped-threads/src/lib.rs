//! # ex02 · Threads that borrow
//!
//! Goal: write `chunked_sum(data, k)`, which adds up a slice on `k` threads
//! that *borrow* it, and `chunked_sum_by(data, k, f)`, which does the same
//! with `f` applied to every element first. The threads read the caller's
//! slice in place: nothing is copied, nothing is `'static`, no `Arc`.
//!
//! In Python, threads doing CPU work take turns under the GIL, so four
//! threads add up no faster than one. Rust threads run at the same time, one
//! per core, and the borrow checker proves at compile time that the slice
//! outlives every thread reading it, which `std::thread::scope` makes
//! possible (`std::thread::spawn` cannot borrow: it demands `'static`).
//!
//! What `kata check ex02` verifies:
//! - the sum is right on every edge: empty data, `k = 1`, `k` equal to and
//!   larger than the length, lengths that `k` does not divide, and values so
//!   big that the sum wraps;
//! - `f` runs exactly once per element, on exactly `min(k, data.len())`
//!   threads, whose shares differ in size by at most one (counted by the
//!   check's own `f`, not asked of your code);
//! - those threads run at the same time: the check's `f` burns CPU and
//!   records when each thread was busy on a core; busy times on different
//!   threads must overlap (judged only when the machine has a free core,
//!   "inconclusive" otherwise);
//! - the data is borrowed, not copied (the check reads the process's peak
//!   memory), the call starts no thread beyond those (the kernel's count of
//!   threads created, on Linux; elsewhere the verdict says it was not
//!   counted), and none is left running when it returns;
//! - `k = 0` panics, and a panic in `f` reaches the caller.
//!
//! What it cannot see: that `chunked_sum` itself uses threads (a plain sum
//! is too fast to watch; write it as one call of `chunked_sum_by`), or how
//! you split the data beyond the sizes of the shares (contiguous chunks or
//! any other split that gives every element to exactly one thread).
//!
//! Read: book/src/exercises/ex02-scoped-threads.md
//! Check: cargo kata check ex02

/// The sum of `data`, computed on `min(k, data.len())` threads that borrow
/// `data` (see [`chunked_sum_by`] for the whole contract): the same as
/// `chunked_sum_by(data, k, |x| x)`.
///
/// # Panics
/// If `k` is zero.
pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    // TODO: one line, on top of `chunked_sum_by`.
    let _ = (data, k);
    todo!()
}

/// The sum of `f(x)` for every `x` in `data`, computed on `k` threads at
/// once.
///
/// - **Threads.** `data` is split into `min(k, data.len())` shares whose
///   sizes differ by at most one (10 elements on 4 threads: 3, 3, 2, 2), and
///   each share is summed on a thread of its own, all of them running at the
///   same time. The calling thread may take one of the shares itself. Empty
///   `data` starts no thread and returns 0.
/// - **`f`** is called exactly once per element, on the thread summing that
///   element's share. It is borrowed by every thread, hence `Sync`; it need
///   not be `'static`, and neither does `data`.
/// - **Borrowing.** The threads read `data` where it is; it is not copied
///   (into a `Vec`, an `Arc` or chunks of its own). Every thread has ended
///   when the function returns.
/// - **Overflow.** The sum wraps around at `u64::MAX`, as
///   [`u64::wrapping_add`] does: the result is the same whatever the split,
///   and a big sum never panics, in debug builds or release.
///
/// # Panics
/// If `k` is zero (even for empty `data`), or if `f` panics.
pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    // TODO: refuse k == 0; cut `data` into min(k, len) shares whose sizes
    // differ by at most one; inside `std::thread::scope`, spawn one thread
    // per share that adds up `f(x)` for its elements (wrapping); only when
    // every thread is spawned, join them all and add their sums (wrapping).
    let _ = (data, k, f);
    todo!()
}
