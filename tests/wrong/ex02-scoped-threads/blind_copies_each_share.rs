//! Known wrong: copies each share with to_vec() before moving it into its thread.
//! Written blind: copies each share with `to_vec()` and moves the Vec into the thread, believing a `move` closure needs owned data (the habit from thread::spawn / multiprocessing pickling).
//! expect-fail: borrows-the-data: the data was copied

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
        let mut start = 0;
        let mut handles = Vec::new();
        for i in 0..n {
            let end = start + base + usize::from(i < extra);
            let owned: Vec<u64> = data[start..end].to_vec();
            start = end;
            handles.push(s.spawn(move || {
                owned.into_iter().fold(0u64, |a, x| a.wrapping_add(f(x)))
            }));
        }
        handles
            .into_iter()
            .fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
