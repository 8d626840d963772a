//! Known wrong: n workers take items from a shared queue behind a Mutex, but `while let Some(..) = queue.lock().unwrap().next()` keeps the guard for the whole loop body, so f runs under the lock and the threads take turns.
//! expect-fail: runs-in-parallel: something makes them take turns

use std::sync::Mutex;
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
    // Each item keeps its index, so the results can be put back in order.
    let queue = Mutex::new(items.into_iter().enumerate());
    let done = Mutex::new(Vec::with_capacity(len));
    thread::scope(|s| {
        for _ in 0..n.min(len) {
            s.spawn(|| {
                while let Some((i, item)) = queue.lock().unwrap().next() {
                    let result = f(item);
                    done.lock().unwrap().push((i, result));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}
