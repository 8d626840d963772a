//! Known wrong: dropping a permit raises the count but never notifies the condvar: waiters sleep next to a free permit.
//! Written blind: Drop raises the count but never notifies: the learner "releases" like Python's `_value += 1` and forgets that the Condvar is not watching the number; waiters sleep next to a free permit.
//! expect-fail: model-no-lost-wake-up: next to a free permit
//! expect-fail: model-peak-bounded: next to a free permit
//! expect-fail: model-timeout-takes-returned: a lost wake-up

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

pub struct Semaphore {
    permits: Mutex<usize>,
    cond: Condvar,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            permits: Mutex::new(permits),
            cond: Condvar::new(),
        }
    }

    pub fn acquire(&self) -> Permit<'_> {
        let guard = self.permits.lock().unwrap();
        let mut guard = self.cond.wait_while(guard, |n| *n == 0).unwrap();
        *guard -= 1;
        Permit { semaphore: self }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut guard = self.permits.lock().unwrap();
        if *guard > 0 {
            *guard -= 1;
            Some(Permit { semaphore: self })
        } else {
            None
        }
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now() + timeout;
        let mut guard = self.permits.lock().unwrap();
        loop {
            if *guard > 0 {
                *guard -= 1;
                return Some(Permit { semaphore: self });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            guard = self.cond.wait_timeout(guard, left).unwrap().0;
        }
    }

    pub fn available(&self) -> usize {
        *self.permits.lock().unwrap()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut guard = self.semaphore.permits.lock().unwrap();
        *guard += 1;
        // the next acquire() will see it
    }
}
