//! Known wrong: returns 0 for empty data before checking k, so k = 0 on empty data does not panic.
//! Written blind: the "empty data -> 0" early return comes before the k == 0 check, so k = 0 on an empty slice returns 0 instead of panicking (guard clauses in the natural-feeling order).
//! expect-fail: panics-as-documented: for empty data too

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    if data.is_empty() {
        return 0;
    }
    assert!(k > 0, "k must be positive");
    let n = k.min(data.len());
    let base = data.len() / n;
    let extra = data.len() % n;
    let f = &f;
    thread::scope(|s| {
        let mut handles = Vec::with_capacity(n);
        let mut start = 0;
        for i in 0..n {
            let len = if i < extra { base + 1 } else { base };
            let share = &data[start..start + len];
            start += len;
            handles.push(s.spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)))));
        }
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold(0u64, u64::wrapping_add)
    })
}
