//! Known wrong: an AtomicU64 total updated with load then store: concurrent adds are lost.
//! Written blind: a shared AtomicU64 updated with load() then store() per element ("atomic, so it is safe"), which loses updates when two threads interleave between the load and the store.
//! expect-fail: borrows-the-data: updates lost

use std::sync::atomic::{AtomicU64, Ordering};
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
    let total = AtomicU64::new(0);
    let (total, f) = (&total, &f);
    thread::scope(|s| {
        let mut start = 0;
        for i in 0..n {
            let end = start + base + usize::from(i < extra);
            let share = &data[start..end];
            start = end;
            s.spawn(move || {
                for &x in share {
                    let v = f(x);
                    let cur = total.load(Ordering::SeqCst);
                    total.store(cur.wrapping_add(v), Ordering::SeqCst);
                }
            });
        }
    });
    total.load(Ordering::SeqCst)
}
