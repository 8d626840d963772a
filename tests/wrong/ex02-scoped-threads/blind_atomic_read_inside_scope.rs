//! Known wrong: the atomic total is read inside the scope, before the threads are joined.
//! Written blind: fetch_add(Relaxed) per thread is fine, but the total is loaded as the scope closure's last expression, i.e. before the scope has joined the threads, so it reads a partial sum (the learner thinks Relaxed vs SeqCst is the only question).
//! expect-fail: sums-right: the total read only after every thread has been joined

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0);
    if data.is_empty() {
        return 0;
    }
    let n = k.min(data.len());
    let base = data.len() / n;
    let extra = data.len() % n;
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        let mut rest = data;
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            let (total, f) = (&total, &f);
            s.spawn(move || {
                let mine = share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)));
                total.fetch_add(mine, Ordering::Relaxed);
            });
        }
        total.load(Ordering::Relaxed)
    })
}
