//! Known wrong: `available()` reads an atomic copy of the count stored after each lock scope: the copy can be left behind, so once every permit is back it may say fewer.
//! Written blind: `available()` reads an AtomicUsize mirror of the count, kept up to date after each lock scope ("so available() never has to take the lock"): the mirror lags the real count, and histories with available() are not linearizable.
//! expect-fail: model-peak-bounded: read the count under the lock

use std::time::Duration;

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

pub struct Semaphore {
    free: Mutex<usize>,
    cv: Condvar,
    shown: AtomicUsize,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            cv: Condvar::new(),
            shown: AtomicUsize::new(permits),
        }
    }

    fn publish(&self, now: usize) {
        self.shown.store(now, Ordering::Relaxed);
    }

    pub fn acquire(&self) -> Permit<'_> {
        let now = {
            let mut free = self.free.lock().unwrap();
            while *free == 0 {
                free = self.cv.wait(free).unwrap();
            }
            *free -= 1;
            *free
        };
        self.publish(now);
        Permit { semaphore: self }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let now = {
            let mut free = self.free.lock().unwrap();
            if *free == 0 {
                return None;
            }
            *free -= 1;
            *free
        };
        self.publish(now);
        Some(Permit { semaphore: self })
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now() + timeout;
        let now = {
            let mut free = self.free.lock().unwrap();
            loop {
                if *free > 0 {
                    *free -= 1;
                    break *free;
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return None;
                }
                free = self.cv.wait_timeout(free, left).unwrap().0;
            }
        };
        self.publish(now);
        Some(Permit { semaphore: self })
    }

    pub fn available(&self) -> usize {
        self.shown.load(Ordering::Relaxed)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let now = {
            let mut free = self.semaphore.free.lock().unwrap();
            *free += 1;
            *free
        };
        self.semaphore.cv.notify_one();
        self.semaphore.publish(now);
    }
}
