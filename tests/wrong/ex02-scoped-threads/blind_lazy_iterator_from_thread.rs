//! Known wrong: each thread returns a lazy iterator, so f runs on the caller when the sums are taken.
//! Written blind: each thread returns the lazy `share.iter().map(f)` iterator instead of its sum, so every f(x) actually runs on the caller when the joined iterators are summed (threads spawned, work done on the caller).
//! expect-fail: threads-and-shares: f ran on the calling thread

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
        let mut rest = data;
        let mut handles = Vec::new();
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            handles.push(s.spawn(move || share.iter().map(move |&x| f(x))));
        }
        let mut total = 0u64;
        for h in handles {
            for v in h.join().unwrap() {
                total = total.wrapping_add(v);
            }
        }
        total
    })
}
