//! Known right: shares cut from the end of the Vec with `split_off` (no copies), spawned with `std::thread::Builder`, joined in reverse and reversed back.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::thread;

pub fn parallel_map<T, R, F>(mut items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "parallel_map needs at least one thread (n = 0)");
    let k = n.min(items.len());
    if k == 0 {
        return Vec::new();
    }
    let base = items.len() / k;
    let extra = items.len() % k;
    // Cut the last share first: share i has base + 1 items when i < extra.
    let mut parts = Vec::with_capacity(k);
    for i in (0..k).rev() {
        let size = base + usize::from(i < extra);
        let at = items.len() - size;
        parts.push(items.split_off(at));
    }
    // parts is in reverse order of the input.
    let f = &f;
    let mut reversed: Vec<Vec<R>> = thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .enumerate()
            .map(|(j, part)| {
                thread::Builder::new()
                    .name(format!("share-{}", k - 1 - j))
                    .spawn_scoped(s, move || part.into_iter().map(f).collect::<Vec<R>>())
                    .expect("the OS starts a thread")
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    reversed.reverse();
    reversed.into_iter().flatten().collect()
}
