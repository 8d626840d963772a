//! Hostile: tries to lift the lint the manifest sets.
//! expect-compile-error: incompatible with previous forbid

#![allow(unsafe_code)]

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    Vec::new()
}
