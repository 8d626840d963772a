//! Hostile: spins on the CPU forever (a livelock), never returning.
//! expect-fail: order-kept: did not finish in 4 s
//! expect-fail: runs-in-parallel: did not finish in 4 s

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    let mut x = 0u64;
    loop {
        x = std::hint::black_box(x.wrapping_add(1));
    }
}
