//! Known wrong: .sum() and + panic on overflow instead of wrapping.
//! Written blind: each thread uses `.map(f).sum::<u64>()` and the partials are combined with `+`, which panics on overflow in debug builds (Python ints never overflow).
//! expect-fail: sums-right: wrapping_add

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
            handles.push(s.spawn(move || share.iter().map(|&x| f(x)).sum::<u64>()));
        }
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
