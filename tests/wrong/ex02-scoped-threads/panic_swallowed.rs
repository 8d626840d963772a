//! Known wrong: a thread that panicked counts as 0 (`join().unwrap_or(0)`), so a panic in f vanishes.
//! expect-fail: panics-as-documented: not vanish with that thread's sum

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
    let (base, extra) = (data.len() / n, data.len() % n);
    let f = &f;
    let mut rest = data;
    thread::scope(|s| {
        let mut handles = Vec::new();
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            handles.push(s.spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)))));
        }
        handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap_or(0)))
    })
}
