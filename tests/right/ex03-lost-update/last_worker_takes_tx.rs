//! Known right: the channel's original Sender moves into the last worker (no drop needed), unit messages counted one each; try_lock with yield for the lock; joins popped from the back.
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

pub fn count_with_lock(counter: Arc<Mutex<u64>>, threads: usize, per_thread: u64) {
    let mut handles = Vec::with_capacity(threads);
    for _ in 0..threads {
        let counter = Arc::clone(&counter);
        handles.push(thread::spawn(move || {
            for _ in 0..per_thread {
                // Blocking lock() would do; this one backs off instead.
                loop {
                    if let Ok(mut count) = counter.try_lock() {
                        *count += 1;
                        break;
                    }
                    thread::yield_now();
                }
            }
        }));
    }
    while let Some(handle) = handles.pop() {
        handle.join().unwrap();
    }
}

pub fn count_with_channel(threads: usize, per_thread: u64) -> u64 {
    let (tx, rx) = mpsc::channel::<()>();
    let mut handles = Vec::with_capacity(threads);
    // Clones for all workers but the last; the last takes the original, so
    // when every worker is done no Sender is left and recv fails.
    let mut spare = Some(tx);
    for i in 0..threads {
        let tx = if i + 1 == threads {
            spare.take().expect("the original sender is still here")
        } else {
            spare
                .as_ref()
                .expect("the original sender is still here")
                .clone()
        };
        handles.push(thread::spawn(move || {
            for _ in 0..per_thread {
                tx.send(()).unwrap();
            }
        }));
    }
    // threads == 0: the original was never handed out; drop it here.
    drop(spare);
    let mut total = 0u64;
    while rx.recv().is_ok() {
        total += 1;
    }
    while let Some(handle) = handles.pop() {
        handle.join().unwrap();
    }
    total
}

pub fn count_with_results(threads: usize, per_thread: u64) -> u64 {
    let mut handles = Vec::with_capacity(threads);
    for _ in 0..threads {
        handles.push(thread::spawn(move || {
            let mut mine = 0u64;
            let mut left = per_thread;
            while left > 0 {
                mine += 1;
                left -= 1;
            }
            mine
        }));
    }
    let mut total = 0;
    while let Some(handle) = handles.pop() {
        total += handle.join().unwrap();
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
    let mut handles = Vec::with_capacity(threads);
    for _ in 0..threads {
        let counter = Arc::clone(&counter);
        handles.push(thread::spawn(move || {
            for _ in 0..per_thread {
                let _before = counter.fetch_add(1, Ordering::AcqRel);
            }
        }));
    }
    while let Some(handle) = handles.pop() {
        handle.join().unwrap();
    }
}
