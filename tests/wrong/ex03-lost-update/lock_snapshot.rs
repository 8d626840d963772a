//! Known wrong: count_with_lock copies the count under the lock, counts on the copy, and writes the copy back at the end, wiping out other threads' additions.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-lock: an update was lost

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

pub fn count_with_lock(counter: Arc<Mutex<u64>>, threads: usize, per_thread: u64) {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                // Take a copy under the lock, count on the copy (fast, no
                // contention), and write it back under the lock at the end.
                let mut value = *counter.lock().unwrap();
                for _ in 0..per_thread {
                    value += 1;
                }
                *counter.lock().unwrap() = value;
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
}

pub fn count_with_channel(threads: usize, per_thread: u64) -> u64 {
    let (tx, rx) = mpsc::channel::<u64>();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let tx = tx.clone();
            thread::spawn(move || {
                for _ in 0..per_thread {
                    tx.send(1).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut total = 0;
    while let Ok(n) = rx.recv() {
        total += n;
    }
    for handle in handles {
        handle.join().unwrap();
    }
    total
}

pub fn count_with_results(threads: usize, per_thread: u64) -> u64 {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            thread::spawn(move || {
                let mut mine = 0u64;
                for _ in 0..per_thread {
                    mine += 1;
                }
                mine
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

pub fn count_with_atomic<C: AtomicCounter>(counter: Arc<C>, threads: usize, per_thread: u64) {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
}
