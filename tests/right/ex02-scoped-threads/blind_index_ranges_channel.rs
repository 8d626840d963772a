//! Known right: manual index ranges start = i*base + min(i, extra), each scoped thread sends its partial sum over an mpsc channel; the scope joins (and propagates panics).
//! Written blind: right: manual index ranges start = i*base + min(i, extra), each scoped thread sends its partial sum over an mpsc channel; the scope joins (and propagates panics).

use std::sync::mpsc;
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
    if k == 0 {
        panic!("chunked_sum_by: k == 0");
    }
    let len = data.len();
    if len == 0 {
        return 0;
    }
    let n = k.min(len);
    let base = len / n;
    let extra = len % n;
    let start_of = |i: usize| i * base + i.min(extra);
    let f = &f;
    let (tx, rx) = mpsc::channel::<u64>();
    thread::scope(|s| {
        for i in 0..n {
            let share = &data[start_of(i)..start_of(i + 1)];
            let tx = tx.clone();
            s.spawn(move || {
                let mut acc = 0u64;
                for &x in share {
                    acc = acc.wrapping_add(f(x));
                }
                // The receiver lives until after the scope, so this cannot fail.
                let _ = tx.send(acc);
            });
        }
    });
    drop(tx);
    rx.try_iter().fold(0u64, u64::wrapping_add)
}
