//! Known wrong: chunks of len / k (plus one thread for the rest): with k > len the chunk size is 0 and `chunks(0)` panics.
//! expect-fail: sums-right: panicked

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    assert!(k > 0);
    if data.is_empty() {
        return 0;
    }
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(data.len() / k)
            .map(|share| s.spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)))))
            .collect();
        handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
