//! Known wrong: "threads are not worth it for a few items": inputs shorter than twice `n` are mapped on the calling thread.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: runs-in-parallel: f ran only on the thread that called parallel_map
//! expect-fail: fewer-items-than-threads: 3 items on 8 threads should use 3

use std::thread;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "n must be at least 1");
    if items.len() < 2 * n {
        return items.into_iter().map(f).collect();
    }
    let k = n;
    let base = items.len() / k;
    let extra = items.len() % k;
    let mut rest = items.into_iter();
    let parts: Vec<Vec<T>> = (0..k)
        .map(|i| rest.by_ref().take(base + usize::from(i < extra)).collect())
        .collect();
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| s.spawn(move || part.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}
