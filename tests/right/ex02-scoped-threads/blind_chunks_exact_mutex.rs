//! Known right: chunks_exact(base+1) over the first extra*(base+1) elements then chunks_exact(base) over the rest, one scoped thread per chunk, a Mutex<u64> total locked once per thread after its local sum.
//! Written blind: right: chunks_exact(base+1) over the first extra*(base+1) elements then chunks_exact(base) over the rest, one scoped thread per chunk, a Mutex<u64> total locked once per thread after its local sum.

use std::sync::Mutex;
use std::thread;

/// The sum of `data` on `min(k, data.len())` borrowing threads.
///
/// # Panics
/// If `k` is zero.
pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

/// The wrapping sum of `f(x)` over `data`, on `min(k, data.len())` scoped threads.
///
/// # Panics
/// If `k` is zero (even for empty `data`), or if `f` panics.
pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k != 0, "chunked_sum_by: k must be at least 1");
    if data.is_empty() {
        return 0;
    }
    let n = k.min(data.len());
    let base = data.len() / n; // >= 1 since n <= len
    let extra = data.len() % n;
    let (big, small) = data.split_at(extra * (base + 1));
    let shares = big.chunks_exact(base + 1).chain(small.chunks_exact(base));
    let total = Mutex::new(0u64);
    let (total_ref, f) = (&total, &f);
    thread::scope(|s| {
        for share in shares {
            s.spawn(move || {
                let mine = share.iter().fold(0u64, |acc, &x| acc.wrapping_add(f(x)));
                let mut t = total_ref.lock().unwrap_or_else(|e| e.into_inner());
                *t = t.wrapping_add(mine);
            });
        }
    });
    total.into_inner().unwrap_or_else(|e| e.into_inner())
}
