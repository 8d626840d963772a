//! Known wrong: always k threads, so with k > len (or empty data) some are spawned for empty shares.
//! Written blind: always spawns exactly k threads (forgets min(k, len)), so with k > len some threads get an empty share; the learner reads "k threads" literally.
//! expect-fail: threads-and-shares: a thread for an empty share

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0, "k must be positive");
    let base = data.len() / k;
    let extra = data.len() % k;
    let f = &f;
    thread::scope(|s| {
        let mut rest = data;
        let mut handles = Vec::new();
        for i in 0..k {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            handles.push(s.spawn(move || {
                share.iter().fold(0u64, |acc, &x| acc.wrapping_add(f(x)))
            }));
        }
        handles
            .into_iter()
            .fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
