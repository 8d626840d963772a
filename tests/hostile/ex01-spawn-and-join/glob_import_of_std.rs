//! Hostile: a glob import of std, then the modules by their short names.
//! expect-refused: `process`

#[allow(unused_imports)]
use std::*;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    process::exit(0)
}
