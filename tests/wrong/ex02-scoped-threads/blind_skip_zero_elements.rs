//! Known wrong: skips x == 0 without calling f.
//! Written blind: skips x == 0 without calling f ("f(0) adds nothing anyway"), so f runs fewer times than once per element and f(0) != 0 is lost.
//! expect-fail: threads-and-shares: Each element is summed exactly once

use std::sync::mpsc;
use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0, "k must be positive");
    let len = data.len();
    if len == 0 {
        return 0;
    }
    let n = k.min(len);
    let base = len / n;
    let extra = len % n;
    let f = &f;
    let (tx, rx) = mpsc::channel::<u64>();
    thread::scope(|s| {
        let mut start = 0;
        for i in 0..n {
            let size = base + usize::from(i < extra);
            let share = &data[start..start + size];
            start += size;
            let tx = tx.clone();
            s.spawn(move || {
                let mut acc = 0u64;
                for &x in share {
                    if x == 0 {
                        continue;
                    }
                    acc = acc.wrapping_add(f(x));
                }
                tx.send(acc).unwrap();
            });
        }
    });
    drop(tx);
    rx.into_iter().fold(0, u64::wrapping_add)
}
