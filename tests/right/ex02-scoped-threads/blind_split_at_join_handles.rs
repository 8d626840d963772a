//! Known right: split_at peels min(k,len) balanced shares off the slice, one scoped thread each, partial sums collected from the join handles after all are spawned.
//! Written blind: right: split_at peels min(k,len) balanced shares off the slice, one scoped thread each, partial sums collected from the join handles after all are spawned.

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
    assert!(k > 0, "chunked_sum_by: k must be at least 1");
    if data.is_empty() {
        return 0;
    }
    let n = k.min(data.len());
    let base = data.len() / n;
    let extra = data.len() % n;
    let f = &f;
    thread::scope(|s| {
        let mut rest = data;
        let mut handles = Vec::with_capacity(n);
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            handles.push(s.spawn(move || {
                share.iter().fold(0u64, |acc, &x| acc.wrapping_add(f(x)))
            }));
        }
        debug_assert!(rest.is_empty());
        handles.into_iter().fold(0u64, |total, h| match h.join() {
            Ok(part) => total.wrapping_add(part),
            Err(payload) => std::panic::resume_unwind(payload),
        })
    })
}
