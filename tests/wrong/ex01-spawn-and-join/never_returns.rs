//! Known wrong (hostile): waits on a channel nobody sends to, a deadlock.
//! expect-fail: order-kept: did not finish in 4 s
//! expect-fail: runs-in-parallel: did not finish in 4 s: a deadlock, a lost wake-up

pub fn parallel_map<T, R, F>(_items: Vec<T>, _f: F, _n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let (_tx, rx) = std::sync::mpsc::channel::<Vec<R>>();
    rx.recv().unwrap()
}
