//! Known wrong: saturating_add sticks at u64::MAX instead of wrapping.
//! Written blind: uses saturating_add to "avoid overflow" (clamps at u64::MAX) instead of wrapping as documented; the learner reads "never panics" and picks the wrong non-panicking add.
//! expect-fail: sums-right: a saturating add?

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0);
    let len = data.len();
    if len == 0 {
        return 0;
    }
    let n = k.min(len);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let start = i * len / n;
                let end = (i + 1) * len / n;
                s.spawn(move || {
                    data[start..end]
                        .iter()
                        .fold(0u64, |a, &x| a.saturating_add(f(x)))
                })
            })
            .collect();
        handles
            .into_iter()
            .fold(0u64, |t, h| t.saturating_add(h.join().unwrap()))
    })
}
