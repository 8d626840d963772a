//! Known wrong: each share's thread is joined right after it is spawned, so the shares run one after another.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: runs-in-parallel: did you join each thread right after spawning it?

use std::thread;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "n must be at least 1");
    let k = n.min(items.len());
    let mut out = Vec::with_capacity(items.len());
    if k == 0 {
        return out;
    }
    let base = items.len() / k;
    let extra = items.len() % k;
    let mut rest = items.into_iter();
    let f = &f;
    thread::scope(|s| {
        for i in 0..k {
            let size = base + usize::from(i < extra);
            let part: Vec<T> = rest.by_ref().take(size).collect();
            // Spawn it, then wait for it: tidy, and serial.
            let handle = s.spawn(move || part.into_iter().map(f).collect::<Vec<R>>());
            out.extend(handle.join().unwrap());
        }
    });
    out
}
