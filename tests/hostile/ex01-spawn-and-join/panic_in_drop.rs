//! Hostile: a Drop that panics while a panic is already unwinding, which aborts.
//! expect-fail: order-kept: aborted the process

struct Grenade;

impl Drop for Grenade {
    fn drop(&mut self) {
        panic!("panic in drop");
    }
}

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    let _grenade = Grenade;
    panic!("first panic");
}
