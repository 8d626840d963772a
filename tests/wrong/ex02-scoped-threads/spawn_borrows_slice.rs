//! Known wrong: `std::thread::spawn` with sub-slices of the borrowed data, which the compiler refuses: the closure must be 'static.
//! expect-compile-error: E0521

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    assert!(k > 0);
    if data.is_empty() {
        return 0;
    }
    let _ = &f;
    let handles: Vec<_> = data
        .chunks(data.len().div_ceil(k))
        .map(|share| thread::spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(x))))
        .collect();
    handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
}
