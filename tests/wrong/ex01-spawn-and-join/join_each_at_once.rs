//! Known wrong: joins every thread right after spawning it, so the parts run one after another.
//! expect-fail: runs-in-parallel: did you join each thread right after spawning it?

use std::thread;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let threads = n.min(items.len()).max(1);
    let (base, extra) = (items.len() / threads, items.len() % threads);
    let mut rest = items.into_iter();
    let f = &f;
    let mut out = Vec::new();
    thread::scope(|s| {
        for i in 0..threads {
            let part: Vec<T> = rest.by_ref().take(base + usize::from(i < extra)).collect();
            let handle = s.spawn(move || part.into_iter().map(f).collect::<Vec<R>>());
            out.extend(handle.join().unwrap());
        }
    });
    out
}
