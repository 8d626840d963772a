//! Known right: all four counters in iterator style: spawn with map/collect, receive with an explicit recv loop, sum the joins, fetch_add with SeqCst.
//! Written blind: from the stub and the chapter, without reading the checks.

use kata_sync::sync::atomic::{AtomicU64, Ordering};
use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::{hint, thread};

/// Given, and racy on purpose.
pub fn racy_count(threads: usize, per_thread: u64) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    let seen = counter.load(Ordering::Relaxed);
                    for _ in 0..3 {
                        hint::spin_loop();
                    }
                    counter.store(seen + 1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for handle in handles {
        handle
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
    }
    counter.load(Ordering::Relaxed)
}

fn join_all<T>(handles: Vec<thread::JoinHandle<T>>) -> Vec<T> {
    handles
        .into_iter()
        .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        .collect()
}

pub fn count_with_lock(counter: Arc<Mutex<u64>>, threads: usize, per_thread: u64) {
    let handles = (0..threads)
        .map(|_| Arc::clone(&counter))
        .map(|counter| {
            thread::spawn(move || {
                (0..per_thread).for_each(|_| {
                    let mut guard = counter.lock().unwrap_or_else(|e| e.into_inner());
                    *guard += 1;
                    drop(guard);
                })
            })
        })
        .collect();
    join_all(handles);
}

pub fn count_with_channel(threads: usize, per_thread: u64) -> u64 {
    let (tx, rx) = mpsc::channel::<u64>();
    let handles = (0..threads)
        .map(|_| tx.clone())
        .map(|tx| thread::spawn(move || (0..per_thread).for_each(|_| tx.send(1).unwrap())))
        .collect();
    drop(tx);
    let total = std::iter::from_fn(|| rx.recv().ok()).sum();
    join_all(handles);
    total
}

pub fn count_with_results(threads: usize, per_thread: u64) -> u64 {
    let handles = (0..threads)
        .map(|_| thread::spawn(move || (0..per_thread).fold(0u64, |mine, _| mine + 1)))
        .collect();
    join_all(handles).into_iter().sum()
}

/// What `count_with_atomic` may do with its counter.
pub trait AtomicCounter: Send + Sync + 'static {
    fn load(&self, order: Ordering) -> u64;
    fn store(&self, value: u64, order: Ordering);
    fn fetch_add(&self, value: u64, order: Ordering) -> u64;
}

impl AtomicCounter for AtomicU64 {
    fn load(&self, order: Ordering) -> u64 {
        AtomicU64::load(self, order)
    }
    fn store(&self, value: u64, order: Ordering) {
        AtomicU64::store(self, value, order)
    }
    fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
        AtomicU64::fetch_add(self, value, order)
    }
}

pub fn count_with_atomic<C: AtomicCounter>(counter: Arc<C>, threads: usize, per_thread: u64) {
    let handles = (0..threads)
        .map(|_| Arc::clone(&counter))
        .map(|counter| {
            thread::spawn(move || {
                (0..per_thread).for_each(|_| {
                    counter.fetch_add(1, Ordering::SeqCst);
                })
            })
        })
        .collect();
    join_all(handles);
}
