//! Known wrong: the whole remainder piled onto the last share (10 on 4: 4, 2, 2, 2).
//! Written blind: shares of len / k with the whole remainder piled onto the last thread (the "fix" for losing the tail), so shares differ by up to k-1.
//! expect-fail: threads-and-shares: must differ by at most one

use std::sync::mpsc;
use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0);
    let n = k.min(data.len());
    if n == 0 {
        return 0;
    }
    let chunk = data.len() / n;
    let f = &f;
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        for i in 0..n {
            let start = i * chunk;
            let end = if i == n - 1 { data.len() } else { start + chunk };
            let share = &data[start..end];
            let tx = tx.clone();
            s.spawn(move || {
                let part = share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)));
                tx.send(part).unwrap();
            });
        }
    });
    drop(tx);
    rx.iter().fold(0u64, u64::wrapping_add)
}
