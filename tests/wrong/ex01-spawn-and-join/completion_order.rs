//! Known wrong: collects results from a channel as threads finish, losing the order of the items.
//! expect-fail: order-kept: not in the order threads finish

use std::sync::mpsc;
use std::thread;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let threads = n.min(items.len());
    if threads == 0 {
        return Vec::new();
    }
    let (base, extra) = (items.len() / threads, items.len() % threads);
    let mut rest = items.into_iter();
    let parts: Vec<Vec<T>> = (0..threads)
        .map(|i| rest.by_ref().take(base + usize::from(i < extra)).collect())
        .collect();
    let (tx, rx) = mpsc::channel();
    let f = &f;
    thread::scope(|s| {
        for part in parts {
            let tx = tx.clone();
            s.spawn(move || {
                for item in part {
                    tx.send(f(item)).unwrap();
                }
            });
        }
        drop(tx);
        rx.iter().collect()
    })
}
