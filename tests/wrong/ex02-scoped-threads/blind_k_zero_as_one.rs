//! Known wrong: k = 0 treated as one thread instead of the documented panic.
//! Written blind: treats k = 0 as "use one thread" (`k.max(1)`), a defensive Python-style default instead of the documented panic.
//! expect-fail: panics-as-documented: The contract says it panics

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    let k = k.max(1);
    let len = data.len();
    if len == 0 {
        return 0;
    }
    let n = k.min(len);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let start = i * len / n;
                let end = (i + 1) * len / n;
                let share = &data[start..end];
                s.spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x))))
            })
            .collect();
        handles
            .into_iter()
            .fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
