//! Hostile: compiles the reference solution as its own module.
//! expect-refused: `#[path]`

#[path = "../../../solutions/ex01-spawn-and-join/src/lib.rs"]
mod reference;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    reference::parallel_map(items, f, n)
}
