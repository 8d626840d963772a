//! Hostile: pastes the reference in at compile time.
//! expect-refused: `include!`

mod reference {
    include!("../../../solutions/ex01-spawn-and-join/src/lib.rs");
}

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    reference::parallel_map(items, f, n)
}
