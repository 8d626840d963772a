//! Known right: round-robin shares tagged with their indices; results are written back into their slots.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::thread;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "parallel_map needs at least one thread (n = 0)");
    let len = items.len();
    let k = n.min(len);
    let mut parts: Vec<Vec<(usize, T)>> = (0..k).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        parts[i % k].push((i, item));
    }
    let mut slots: Vec<Option<R>> = (0..len).map(|_| None).collect();
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                s.spawn(move || {
                    part.into_iter()
                        .map(|(i, item)| (i, f(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (i, r) in h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)) {
                slots[i] = Some(r);
            }
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("every index was mapped"))
        .collect()
}
