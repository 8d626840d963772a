//! Known wrong: splits the work into shares but hands them all to one spawned thread, so it only looks parallel.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: runs-in-parallel: f ran on 1 thread(s)
//! expect-fail: fewer-items-than-threads: 3 items on 8 threads should use 3

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
    let parts: Vec<Vec<T>> = (0..k)
        .map(|i| rest.by_ref().take(base + usize::from(i < extra)).collect())
        .collect();
    let f = &f;
    thread::scope(|s| {
        s.spawn(move || {
            parts
                .into_iter()
                .flat_map(|part| part.into_iter().map(f).collect::<Vec<R>>())
                .collect()
        })
        .join()
        .unwrap()
    })
}
