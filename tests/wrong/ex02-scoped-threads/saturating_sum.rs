//! Known wrong: saturating_add, so a big sum sticks at u64::MAX instead of wrapping.
//! expect-fail: sums-right: a saturating add?

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
            handles.push(s.spawn(move || share.iter().fold(0u64, |a, &x| a.saturating_add(f(x)))));
        }
        handles.into_iter().fold(0u64, |t, h| t.saturating_add(h.join().unwrap()))
    })
}
