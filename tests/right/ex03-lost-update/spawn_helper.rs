//! Known right: one generic helper spawns `threads` workers from a closure factory; each counter passes its own per-thread work, and the results counter returns counts through join.
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

/// Starts `threads` threads, the i-th running `work(i)`.
fn spawn_workers<T, W>(
    threads: usize,
    mut work: impl FnMut(usize) -> W,
) -> Vec<thread::JoinHandle<T>>
where
    T: Send + 'static,
    W: FnOnce() -> T + Send + 'static,
{
    (0..threads).map(|i| thread::spawn(work(i))).collect()
}

pub fn count_with_lock(counter: Arc<Mutex<u64>>, threads: usize, per_thread: u64) {
    let workers = spawn_workers(threads, |_| {
        let counter = Arc::clone(&counter);
        move || {
            for _ in 0..per_thread {
                let mut count = counter.lock().unwrap();
                *count += 1;
            }
        }
    });
    for worker in workers {
        worker.join().unwrap();
    }
}

pub fn count_with_channel(threads: usize, per_thread: u64) -> u64 {
    let (tx, rx) = mpsc::channel();
    let workers = spawn_workers(threads, |_| {
        let tx = tx.clone();
        move || {
            for _ in 0..per_thread {
                tx.send(1u64)
                    .expect("the caller receives until every worker is done");
            }
        }
    });
    drop(tx);
    let mut total = 0;
    loop {
        match rx.recv() {
            Ok(n) => total += n,
            Err(_) => break,
        }
    }
    for worker in workers {
        worker.join().unwrap();
    }
    total
}

pub fn count_with_results(threads: usize, per_thread: u64) -> u64 {
    let workers = spawn_workers(threads, |_| {
        move || {
            let mut mine = 0u64;
            for _ in 0..per_thread {
                mine += 1;
            }
            mine
        }
    });
    let mut total = 0;
    for worker in workers {
        total += worker.join().unwrap();
    }
    total
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
    let workers = spawn_workers(threads, |_| {
        let counter = Arc::clone(&counter);
        move || {
            for _ in 0..per_thread {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    for worker in workers {
        worker.join().unwrap();
    }
}
