//! Known wrong: joins each scoped thread right after spawning it: the shares run one after another.
//! Written blind: joins each scoped thread right after spawning it (`s.spawn(..).join()` in the loop), so the k threads run one after another; a Python habit of `t.start(); t.join()`.
//! expect-fail: runs-at-once: a join inside the spawn loop

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
        let mut total = 0u64;
        let mut rest = data;
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            let part = s
                .spawn(move || share.iter().fold(0u64, |acc, &x| acc.wrapping_add(f(x))))
                .join()
                .unwrap();
            total = total.wrapping_add(part);
        }
        total
    })
}
