//! Known wrong: filter then map calls f twice per kept element.
//! Written blind: skips elements whose f(x) is 0 with `.filter(..).map(..)`, which calls f twice for every other element (a "small optimisation" written Python-comprehension style).
//! expect-fail: threads-and-shares: Each element is summed exactly once

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0, "k must be positive");
    if data.is_empty() {
        return 0;
    }
    let n = k.min(data.len());
    let base = data.len() / n;
    let extra = data.len() % n;
    let f = &f;
    thread::scope(|s| {
        let mut rest = data;
        let mut handles = Vec::new();
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            handles.push(s.spawn(move || {
                share
                    .iter()
                    .filter(|&&x| f(x) != 0)
                    .map(|&x| f(x))
                    .fold(0u64, u64::wrapping_add)
            }));
        }
        handles
            .into_iter()
            .fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
