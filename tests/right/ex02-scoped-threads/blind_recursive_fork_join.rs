//! Known right: recursive fork-join over the share index range: each level spawns a scoped thread for the left half of the shares and recurses on the right half itself, so each of the n shares runs on its own thread (the caller doing the last one).
//! Written blind: right: recursive fork-join over the share index range: each level spawns a scoped thread for the left half of the shares and recurses on the right half itself, so each of the n shares runs on its own thread (the caller doing the last one).

use std::thread::{self, Scope};

/// The sum of `data` on `min(k, data.len())` borrowing threads.
///
/// # Panics
/// If `k` is zero.
pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

struct Plan<'e, F> {
    data: &'e [u64],
    base: usize,
    extra: usize,
    f: &'e F,
}

impl<'e, F: Fn(u64) -> u64 + Sync> Plan<'e, F> {
    fn start(&self, share: usize) -> usize {
        share * self.base + share.min(self.extra)
    }

    /// Sums shares `a..b` (b > a), running share b-1 on the current thread.
    fn run<'s>(&'s self, s: &'s Scope<'s, 'e>, a: usize, b: usize) -> u64 {
        if b - a == 1 {
            let share = &self.data[self.start(a)..self.start(b)];
            return share
                .iter()
                .fold(0u64, |acc, &x| acc.wrapping_add((self.f)(x)));
        }
        let mid = a + (b - a) / 2;
        let left = s.spawn(move || self.run(s, a, mid));
        let right = self.run(s, mid, b);
        match left.join() {
            Ok(l) => l.wrapping_add(right),
            Err(p) => std::panic::resume_unwind(p),
        }
    }
}

/// The wrapping sum of `f(x)` over `data`, on `min(k, data.len())` threads.
///
/// # Panics
/// If `k` is zero (even for empty `data`), or if `f` panics.
pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0, "chunked_sum_by: k must be at least 1");
    if data.is_empty() {
        return 0;
    }
    let n = k.min(data.len());
    let plan = Plan {
        data,
        base: data.len() / n,
        extra: data.len() % n,
        f: &f,
    };
    let plan = &plan;
    thread::scope(|s| plan.run(s, 0, n))
}
