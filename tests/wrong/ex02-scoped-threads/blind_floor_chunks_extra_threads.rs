//! Known wrong: chunks of len / k: more chunks than k when k does not divide len, and chunks(0) panics when k > len.
//! Written blind: `data.chunks(len / k)`, which makes more than k chunks when k does not divide len (10 on 4 -> 5 threads) and panics with chunks(0) when k > len.
//! expect-fail: sums-right: chunk size must be non-zero

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k >= 1);
    if data.is_empty() {
        return 0;
    }
    let f = &f;
    thread::scope(|s| {
        let mut handles = Vec::with_capacity(k);
        for piece in data.chunks(data.len() / k) {
            handles.push(s.spawn(move || {
                let mut sum = 0u64;
                for &x in piece {
                    sum = sum.wrapping_add(f(x));
                }
                sum
            }));
        }
        handles
            .into_iter()
            .fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
