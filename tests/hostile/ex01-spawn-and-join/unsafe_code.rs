//! Hostile: `unsafe` in an exercise that forbids it (it could then reach any
//! descriptor or memory of the checks process).
//! expect-compile-error: unsafe

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (f, n);
    let copy = unsafe { std::ptr::read(&items) };
    std::mem::forget(items);
    let _ = copy;
    Vec::new()
}
