//! Known wrong: each thread takes the lock once and makes all its additions under it: the count is right, but the threads take turns instead of interleaving (one lock across the loop, not one per addition).
//! expect-fail: lock-counts: one lock held across a thread's whole loop
//! expect-fail: stress: one lock held across a thread's whole loop

use kata_sync::sync::atomic::{AtomicU64, Ordering};
use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::{hint, thread};

/// Given, and racy on purpose: `threads` threads each add 1 to one counter,
/// `per_thread` times, with a separate read and write. Returns what the
/// counter holds at the end, which is usually less than
/// `threads * per_thread`.
pub fn racy_count(threads: usize, per_thread: u64) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    // Two steps: another thread may write between them, and
                    // this store then overwrites its update. Ordering:
                    // Relaxed, and no ordering would help: the bug is the
                    // gap between two operations, not the order of either.
                    let seen = counter.load(Ordering::Relaxed);
                    // A little busy work stands in for real work between the
                    // read and the write, so that lost updates show on any
                    // machine. Without it they still happen, only less often.
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
    // Ordering: Relaxed is enough, the joins above made every store visible.
    counter.load(Ordering::Relaxed)
}

/// Waits for every thread, passing on a panic of any of them.
fn join_all<T>(handles: Vec<thread::JoinHandle<T>>) -> Vec<T> {
    handles
        .into_iter()
        .map(|handle| {
            handle
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))
        })
        .collect()
}

/// 1. The lock: start `threads` threads; each adds 1 to `counter`,
///    `per_thread` times, holding the lock for each addition. Return once
///    every thread has finished.
pub fn count_with_lock(counter: Arc<Mutex<u64>>, threads: usize, per_thread: u64) {
    let mut workers = Vec::with_capacity(threads);
    for _ in 0..threads {
        let shared = Arc::clone(&counter);
        workers.push(thread::spawn(move || {
            // Locking is expensive, so take the lock once and do all of
            // this thread's additions while holding it.
            let mut total = shared.lock().unwrap();
            for _ in 0..per_thread {
                *total += 1;
            }
        }));
    }
    for worker in workers {
        worker.join().unwrap();
    }
}

/// 2. The queue: start `threads` workers; each sends `per_thread`
///    increments (one message each) on an `mpsc` channel. The calling thread
///    is the only one that counts: it receives every increment, adds it up
///    and returns the total once every worker is done.
pub fn count_with_channel(threads: usize, per_thread: u64) -> u64 {
    let (tx, rx) = mpsc::channel::<u64>();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let tx = tx.clone();
            thread::spawn(move || {
                for _ in 0..per_thread {
                    // The owner receives until every sender is gone, so a
                    // send cannot fail while this worker holds its sender.
                    tx.send(1)
                        .expect("the owner receives until every worker is done");
                }
                // This worker's sender is dropped here.
            })
        })
        .collect();
    // The owner's own sender must go too: `recv` reports the end of the
    // channel only once no sender is left, and this one would never send.
    drop(tx);
    let mut count = 0;
    // `while let` on `recv`, not `for n in rx`: loom's receiver is no
    // iterator. `recv` waits for the next increment, and fails once every
    // worker has finished and dropped its sender.
    while let Ok(increment) = rx.recv() {
        count += increment;
    }
    join_all(handles);
    count
}

/// 3. Result aggregation: start `threads` threads; each counts `per_thread`
///    increments in a variable of its own and returns its count. The calling
///    thread joins them and returns the sum. Nothing is shared.
pub fn count_with_results(threads: usize, per_thread: u64) -> u64 {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            thread::spawn(move || {
                // Local to this thread: no other thread can see it, so there
                // is nothing to lock.
                let mut mine = 0u64;
                for _ in 0..per_thread {
                    mine += 1;
                }
                mine
            })
        })
        .collect();
    // `join` hands back what each thread returned.
    join_all(handles).into_iter().sum()
}

/// What `count_with_atomic` may do with its counter: the operations of an
/// `AtomicU64`, which implements it. The grader passes a counter of its own
/// that also writes down every access, so that a failure can show you the
/// interleaving that broke your code.
pub trait AtomicCounter: Send + Sync + 'static {
    /// Reads the value.
    fn load(&self, order: Ordering) -> u64;
    /// Writes `value`.
    fn store(&self, value: u64, order: Ordering);
    /// Adds `value` and returns the value before, in one indivisible step.
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

/// 4. The atomic: start `threads` threads; each adds 1 to `counter`,
///    `per_thread` times. Return once every thread has finished.
pub fn count_with_atomic<C: AtomicCounter>(counter: Arc<C>, threads: usize, per_thread: u64) {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    // Ordering: Relaxed. A read-modify-write always works on
                    // the latest value of its own location, whatever the
                    // ordering, so no increment is lost. The ordering would
                    // only matter for *other* memory published along with
                    // the count, and there is none; the caller sees the
                    // final value because `join` synchronises with the end
                    // of each thread.
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    join_all(handles);
}
