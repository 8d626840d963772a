//! # ex01 · Spawn and join — reference solution
//!
//! Scoped threads (`std::thread::scope`) are the whole trick: every thread
//! spawned in the scope is joined before `scope` returns, so the threads may
//! borrow `f` from this stack frame. Without scopes, `thread::spawn` demands
//! `'static` closures and we would need `Arc<F>`.

use std::thread;

/// Applies `f` to every item, using `n` threads at once (or one thread per
/// item when there are fewer items than `n`), and returns the results in the
/// order of `items`.
///
/// # Panics
/// If `n` is zero, or if `f` panics.
pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(n > 0, "parallel_map needs at least one thread");
    let len = items.len();
    let threads = n.min(len);
    if threads == 0 {
        return Vec::new();
    }
    // Sizes differ by at most one: the first `len % threads` parts take one
    // extra item. (`chunks(len.div_ceil(n))` would leave threads idle: 6 items
    // on 4 threads would make 3 parts of 2.)
    let (base, extra) = (len / threads, len % threads);
    let mut rest = items.into_iter();
    let parts: Vec<Vec<T>> = (0..threads)
        .map(|i| rest.by_ref().take(base + usize::from(i < extra)).collect())
        .collect();

    // A shared reference is `Copy`, so each `move` closure gets its own copy
    // of `&F`; that is why `F: Sync` is required.
    let f = &f;
    thread::scope(|scope| {
        // Spawn every thread first, then join: joining inside this loop would
        // run the parts one after another.
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || part.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        // Joining in spawn order puts the results back in input order, however
        // the threads finished.
        let mut results = Vec::with_capacity(len);
        for handle in handles {
            match handle.join() {
                Ok(part) => results.extend(part),
                // Re-raise the panic of `f` on the caller's thread, as a
                // sequential `map` would.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    })
}
