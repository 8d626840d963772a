//! Known wrong: the threads send their results on a channel and the caller collects them in the order they arrive.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: order-kept: not in the order threads finish

use std::sync::mpsc;
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
    let len = items.len();
    let base = len / k;
    let extra = len % k;
    let mut rest = items.into_iter();
    let (tx, rx) = mpsc::channel();
    let f = &f;
    thread::scope(|s| {
        for i in 0..k {
            let size = base + usize::from(i < extra);
            let part: Vec<T> = rest.by_ref().take(size).collect();
            let tx = tx.clone();
            s.spawn(move || {
                for item in part {
                    // Each result goes out as soon as it is ready.
                    tx.send(f(item)).unwrap();
                }
            });
        }
        drop(tx);
        rx.iter().collect()
    })
}
