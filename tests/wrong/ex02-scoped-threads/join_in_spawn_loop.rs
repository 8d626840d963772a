//! Known wrong: joins each scoped thread right after spawning it, so the shares are summed one after another.
//! expect-fail: runs-at-once: a join inside the spawn loop

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
    let (base, extra) = (data.len() / n, data.len() % n);
    let f = &f;
    let mut rest = data;
    let mut total = 0u64;
    thread::scope(|s| {
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            let sum = s
                .spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x))))
                .join()
                .unwrap();
            total = total.wrapping_add(sum);
        }
    });
    total
}
