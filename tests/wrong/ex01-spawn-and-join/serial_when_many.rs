//! Known wrong: "threads only pay off for a handful of items": more than 8 items are mapped on the calling thread, so it is parallel on small inputs only (the shape the old check measured was 6 items).
//! expect-fail: runs-in-parallel: f ran only on the thread that called parallel_map, for 10 items

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
    if items.len() > 8 {
        // A long input keeps one core busy anyway: map it here.
        return items.into_iter().map(f).collect();
    }
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
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap())
            .collect()
    })
}
