//! Known wrong: shares of len / k elements, so the last len % k elements are never summed.
//! expect-fail: sums-right: the sum without the last

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    assert!(k > 0);
    let n = k.min(data.len());
    if n == 0 {
        return 0;
    }
    let size = data.len() / n;
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let share = &data[i * size..(i + 1) * size];
                s.spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x))))
            })
            .collect();
        handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
