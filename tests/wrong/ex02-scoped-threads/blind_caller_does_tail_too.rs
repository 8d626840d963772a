//! Known wrong: k threads of len / k and the caller sums the remainder too: k + 1 threads run f.
//! Written blind: k threads take len / k each and the caller sums the leftover len % k itself "while it waits", so k + 1 threads run f whenever k does not divide len.
//! expect-fail: threads-and-shares: more threads than shares

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
    let chunk = data.len() / n;
    let (body, tail) = data.split_at(chunk * n);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = body
            .chunks_exact(chunk)
            .map(|c| s.spawn(move || c.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)))))
            .collect();
        let mut total = tail.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)));
        for h in handles {
            total = total.wrapping_add(h.join().unwrap());
        }
        total
    })
}
