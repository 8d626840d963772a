//! Hostile: panics with a message of 5 MiB, larger than any result the
//! grader believes; the harness cuts it, and the verdict still names the panic.
//! expect-fail: order-kept: your code panicked at

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    panic!("{}", "A".repeat(5 << 20));
}
