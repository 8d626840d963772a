//! Known wrong: sums everything on one spawned thread, whatever k is.
//! expect-fail: threads-and-shares: only one thread ran f

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    assert!(k > 0);
    if data.is_empty() {
        return 0;
    }
    thread::scope(|s| {
        s.spawn(|| data.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)))).join().unwrap()
    })
}
