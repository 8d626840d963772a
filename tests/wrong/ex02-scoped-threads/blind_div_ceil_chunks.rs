//! Known wrong: chunks of len.div_ceil(k): fewer threads than min(k, len), and a short last share.
//! Written blind: `data.chunks(len.div_ceil(k))`, the textbook way to "split into k pieces", which yields fewer than k chunks (6 on 4 -> 3 threads) and unbalanced shares (10 on 4 -> 3,3,3,1).
//! expect-fail: threads-and-shares: leave threads without work

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0, "k must be > 0");
    if data.is_empty() {
        return 0;
    }
    let size = data.len().div_ceil(k);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(size)
            .map(|c| s.spawn(move || c.iter().map(|&x| f(x)).fold(0u64, u64::wrapping_add)))
            .collect();
        let mut total = 0u64;
        for h in handles {
            total = total.wrapping_add(h.join().unwrap());
        }
        total
    })
}
