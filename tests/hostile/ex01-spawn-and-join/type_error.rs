//! Hostile: does not compile; rustc's first error must come first.
//! expect-compile-error: error[E0308]: mismatched types

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (f, n);
    let first: u32 = "not a number";
    let _ = first;
    items.into_iter().map(|_| unreachable!()).collect()
}
