//! Hostile: the module renamed inside a use tree, so no `std::process` appears.
//! expect-refused: `process`

use std::{process as p};

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    p::exit(0)
}
