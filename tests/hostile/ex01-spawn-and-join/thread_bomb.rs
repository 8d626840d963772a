//! Hostile: starts 10,000 threads that all sleep. The system refuses one,
//! or memory runs out first (each thread reserves its stack): either way
//! the verdict names the threads.
//! expect-fail: order-kept: too many threads at once

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    let handles: Vec<_> = (0..10_000)
        .map(|_| std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_secs(30))))
        .collect();
    for handle in handles {
        let _ = handle.join();
    }
    Vec::new()
}
