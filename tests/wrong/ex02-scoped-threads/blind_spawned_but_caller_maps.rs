//! Known wrong: f is applied on the caller into a Vec, only the additions run on the threads.
//! Written blind: applies f on the caller first (`data.iter().map(f)` into the shares' sums "to keep f off the threads") and only the additions run on the threads; also allocates the mapped values.
//! expect-fail: threads-and-shares: f ran on the calling thread
//! expect-fail: borrows-the-data: the data was copied

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
    let mapped: Vec<u64> = data.iter().map(|&x| f(x)).collect();
    let n = k.min(mapped.len());
    let base = mapped.len() / n;
    let extra = mapped.len() % n;
    thread::scope(|s| {
        let mut rest = &mapped[..];
        let mut handles = Vec::new();
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            handles.push(s.spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(x))));
        }
        handles
            .into_iter()
            .fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
