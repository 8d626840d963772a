//! Hostile: the same, with the attribute hidden in a `cfg_attr`.
//! expect-refused: `path`

#[cfg_attr(all(), path = "../../../solutions/ex01-spawn-and-join/src/lib.rs")]
mod reference;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    reference::parallel_map(items, f, n)
}
