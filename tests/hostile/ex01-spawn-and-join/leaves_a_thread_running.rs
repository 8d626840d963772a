//! Hostile: a right answer, plus a detached thread that spins and prints forever.
//! expect-pass

use std::thread;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "parallel_map needs at least one thread");
    // Never joined: it outlives the call, and must not outlive the check.
    thread::spawn(|| loop {
        println!("still here");
        thread::sleep(std::time::Duration::from_millis(1));
    });
    let len = items.len();
    let threads = n.min(len);
    if threads == 0 {
        return Vec::new();
    }
    let (base, extra) = (len / threads, len % threads);
    let mut rest = items.into_iter();
    let parts: Vec<Vec<T>> = (0..threads)
        .map(|i| rest.by_ref().take(base + usize::from(i < extra)).collect())
        .collect();
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| s.spawn(move || part.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}
