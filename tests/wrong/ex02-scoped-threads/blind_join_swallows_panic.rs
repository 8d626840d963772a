//! Known wrong: join().unwrap_or(0): a panic in f is swallowed.
//! Written blind: `join().unwrap_or(0)` to be "robust" (try/except: pass), so a panic in f is swallowed and the caller gets a wrong sum instead of the panic.
//! expect-fail: panics-as-documented: not vanish with that thread's sum

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
            handles.push(s.spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)))));
        }
        handles
            .into_iter()
            .fold(0u64, |t, h| t.wrapping_add(h.join().unwrap_or(0)))
    })
}
