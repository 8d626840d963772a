//! Known wrong: returns 0 for empty data before checking k, so k = 0 on empty data does not panic.
//! expect-fail: panics-as-documented: for empty data too

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    if data.is_empty() {
        return 0;
    }
    assert!(k > 0, "k must be positive");
    let n = k.min(data.len());
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
        handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
