//! Hostile: a constant whose evaluation never ends, so the compiler never finishes.
//! expect-build-timeout

#![allow(long_running_const_eval)]

const NEVER: u64 = {
    let mut x = 0u64;
    loop {
        x = x.wrapping_add(1);
        if x == u64::MAX {
            x = 0;
        }
    }
};

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n, NEVER);
    Vec::new()
}
