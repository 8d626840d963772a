//! Known wrong: ranges of len / k elements: the last len % k are never summed.
//! Written blind: index ranges i*chunk..(i+1)*chunk with chunk = len / k (integer division, like Python's //), so the last len % k elements are never summed.
//! expect-fail: sums-right: the sum without the last

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    if k == 0 {
        panic!("chunked_sum_by: k must be at least 1");
    }
    let n = k.min(data.len());
    if n == 0 {
        return 0;
    }
    let chunk = data.len() / n;
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let start = i * chunk;
                let end = (i + 1) * chunk;
                s.spawn(move || {
                    let mut acc = 0u64;
                    for idx in start..end {
                        acc = acc.wrapping_add(f(data[idx]));
                    }
                    acc
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold(0u64, u64::wrapping_add)
    })
}
