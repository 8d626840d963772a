//! Known wrong: joins every thread but keeps only the parts whose thread ended well (`join().ok()`), so a panic in f makes its items vanish from the result instead of reaching the caller.
//! expect-fail: panics-as-documented: a panic in a thread must reach the caller

use std::thread;

/// Applies `f` to every item on `n` threads and returns the results in the
/// order of `items`.
pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "parallel_map needs at least one thread");
    let len = items.len();
    let threads = n.min(len);
    if threads == 0 {
        return Vec::new();
    }
    let (base, extra) = (len / threads, len % threads);
    let mut rest = items.into_iter();
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let part: Vec<T> = rest.by_ref().take(base + usize::from(i < extra)).collect();
                s.spawn(move || part.into_iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        // A part that failed is skipped: the others are still worth having.
        handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .flatten()
            .collect()
    })
}
