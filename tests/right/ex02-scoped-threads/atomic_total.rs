//! Known right: chunks from `chunks_exact`-style arithmetic, each thread adds its local sum once into an AtomicU64 (fetch_add wraps).

use std::sync::atomic::{AtomicU64, Ordering};
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
    let total = AtomicU64::new(0);
    let (small, big) = (data.len() / n, data.len() / n + 1);
    // The first len % n shares are `big`, the rest `small`.
    let cut = (data.len() % n) * big;
    let (front, back) = data.split_at(cut);
    let f = &f;
    let total_ref = &total;
    thread::scope(|s| {
        let shares = front.chunks(big).chain(back.chunks(small.max(1)));
        for share in shares {
            s.spawn(move || {
                let local = share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)));
                // Ordering: Relaxed; the scope's join orders it before the load below.
                total_ref.fetch_add(local, Ordering::Relaxed);
            });
        }
    });
    total.into_inner()
}
