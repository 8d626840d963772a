//! Known wrong: the whole sum on one scoped thread, whatever k is.
//! Written blind: moves the whole sum onto a single scoped thread ("it is in a thread now, so it is concurrent"), ignoring k.
//! expect-fail: threads-and-shares: only one thread ran f

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k != 0, "k = 0");
    if data.is_empty() {
        return 0;
    }
    thread::scope(|s| {
        let h = s.spawn(|| {
            let mut acc = 0u64;
            for &x in data {
                acc = acc.wrapping_add(f(x));
            }
            acc
        });
        h.join().unwrap()
    })
}
