//! Hostile: asks for 40 GiB at once.
//! expect-fail: order-kept: ran out of memory

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    let buffer = vec![1u8; 40 << 30];
    std::hint::black_box(buffer);
    Vec::new()
}
