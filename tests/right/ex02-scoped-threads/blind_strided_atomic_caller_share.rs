//! Known right: strided split (share i = indices i, i+n, i+2n, ...), n-1 scoped threads plus the caller taking share 0, each adding its local sum once to an AtomicU64 with fetch_add.
//! Written blind: right: strided split (share i = indices i, i+n, i+2n, ...), n-1 scoped threads plus the caller taking share 0, each adding its local sum once to an AtomicU64 with fetch_add.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

/// The sum of `data` on `min(k, data.len())` borrowing threads.
///
/// # Panics
/// If `k` is zero.
pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

fn strided_sum<F>(data: &[u64], first: usize, step: usize, f: &F) -> u64
where
    F: Fn(u64) -> u64,
{
    data.iter()
        .skip(first)
        .step_by(step)
        .fold(0u64, |acc, &x| acc.wrapping_add(f(x)))
}

/// The wrapping sum of `f(x)` over `data`, on `min(k, data.len())` threads
/// (the caller being one of them).
///
/// # Panics
/// If `k` is zero (even for empty `data`), or if `f` panics.
pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert_ne!(k, 0, "chunked_sum_by: k must not be zero");
    if data.is_empty() {
        return 0;
    }
    let n = k.min(data.len());
    let total = AtomicU64::new(0);
    let (total_ref, f) = (&total, &f);
    thread::scope(|s| {
        for i in 1..n {
            s.spawn(move || {
                // fetch_add wraps on overflow.
                total_ref.fetch_add(strided_sum(data, i, n, f), Ordering::Relaxed);
            });
        }
        total_ref.fetch_add(strided_sum(data, 0, n, f), Ordering::Relaxed);
    });
    // The scope has joined every thread: all their adds happen-before this.
    total.into_inner()
}
