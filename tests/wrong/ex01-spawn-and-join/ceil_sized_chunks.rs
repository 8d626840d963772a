//! Known wrong: chunks of `len.div_ceil(n)` items, so 6 items on 4 threads make 3 chunks and one thread never starts.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: runs-in-parallel: Split the items so that part sizes differ by at most one

use std::thread;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "n must be at least 1");
    if items.is_empty() {
        return Vec::new();
    }
    let chunk = items.len().div_ceil(n);
    let mut parts: Vec<Vec<T>> = Vec::new();
    let mut it = items.into_iter().peekable();
    while it.peek().is_some() {
        parts.push(it.by_ref().take(chunk).collect());
    }
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
