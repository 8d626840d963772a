//! Known wrong: `chunks(len / n)` with the remainder folded into the last chunk; it panics with `chunks(0)` when there are fewer items than threads, or none.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: fewer-items-than-threads: your code panicked
//! expect-fail: empty-input: your code panicked

use std::thread;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "n must be at least 1");
    let size = items.len() / n;
    let mut parts: Vec<Vec<T>> = Vec::new();
    let mut it = items.into_iter();
    for i in 0..n {
        if i + 1 == n {
            parts.push(it.by_ref().collect());
        } else {
            // `size` is zero when len < n: `take(0)` hands out nothing, and
            // the check below turns that into the panic chunks(0) would give.
            assert!(size > 0, "chunk size must be non-zero");
            parts.push(it.by_ref().take(size).collect());
        }
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
