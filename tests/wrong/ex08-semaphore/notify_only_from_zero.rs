//! Known wrong: a drop notifies only when the count leaves 0: two permits given back in a row while two threads wait wake only one of them.
//! Written blind: Drop notifies only when the count goes from 0 to 1 ("only then can anyone be waiting", an optimisation that saves a syscall): two permits back in a row wake one waiter, and the second waiter sleeps next to a free permit.
//! expect-fail: model-no-lost-wake-up: next to a free permit

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

pub struct Semaphore {
    free: Mutex<usize>,
    cv: Condvar,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            cv: Condvar::new(),
        }
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap();
        while *free == 0 {
            free = self.cv.wait(free).unwrap();
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.free.lock().unwrap();
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(Permit { semaphore: self })
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now() + timeout;
        let mut free = self.free.lock().unwrap();
        loop {
            if *free > 0 {
                *free -= 1;
                return Some(Permit { semaphore: self });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            free = self.cv.wait_timeout(free, left).unwrap().0;
        }
    }

    pub fn available(&self) -> usize {
        *self.free.lock().unwrap()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut free = self.semaphore.free.lock().unwrap();
        *free += 1;
        if *free == 1 {
            self.semaphore.cv.notify_one();
        }
    }
}
