//! Hostile: recurses without end and overflows its stack.
//! expect-fail: order-kept: overflowed its stack

fn deeper(depth: u64) -> u64 {
    std::hint::black_box(deeper(depth + 1)) + 1
}

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    deeper(0);
    Vec::new()
}
