//! Known wrong: round-robin shares (thread i takes items i, i+k, ...) whose results are glued back share after share, which scrambles the order.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: order-kept: results must come back in the order of the items

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
    let mut parts: Vec<Vec<T>> = (0..k).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        parts[i % k].push(item);
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
