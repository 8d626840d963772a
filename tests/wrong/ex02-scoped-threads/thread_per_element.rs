//! Known wrong: one thread per element, whatever k says.
//! expect-fail: threads-and-shares: more threads than shares

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    assert!(k > 0);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = data.iter().map(|&x| s.spawn(move || f(x))).collect();
        handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
