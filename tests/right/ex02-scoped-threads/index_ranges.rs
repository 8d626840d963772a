//! Known right: share i is data[i * len / n .. (i + 1) * len / n] (sizes differ by at most one), partial sums combined in spawn order.

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    assert!(k > 0, "k = 0");
    let (len, n) = (data.len(), k.min(data.len()));
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let share = &data[i * len / n..(i + 1) * len / n];
                s.spawn(move || share.iter().map(|&x| f(x)).fold(0u64, u64::wrapping_add))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).fold(0u64, u64::wrapping_add)
    })
}
