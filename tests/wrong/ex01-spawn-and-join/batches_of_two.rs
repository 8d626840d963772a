//! Known wrong: starts the threads two at a time and joins each pair before starting the next ("so as not to overload the machine").
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: runs-in-parallel: only 2 call(s) of f ever ran at the same time

use std::thread;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "n must be at least 1");
    let k = n.min(items.len());
    if k == 0 {
        return Vec::new();
    }
    let base = items.len() / k;
    let extra = items.len() % k;
    let mut rest = items.into_iter();
    let mut parts: Vec<Vec<T>> = (0..k)
        .map(|i| rest.by_ref().take(base + usize::from(i < extra)).collect())
        .collect();
    let mut out = Vec::new();
    let f = &f;
    while !parts.is_empty() {
        let batch: Vec<Vec<T>> = parts.drain(..parts.len().min(2)).collect();
        thread::scope(|s| {
            let handles: Vec<_> = batch
                .into_iter()
                .map(|part| s.spawn(move || part.into_iter().map(f).collect::<Vec<R>>()))
                .collect();
            for h in handles {
                out.extend(h.join().unwrap());
            }
        });
    }
    out
}
