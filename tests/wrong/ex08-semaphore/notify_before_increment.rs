//! Known wrong: Drop notifies first and raises the count after, in a separate lock scope: the woken waiter can look before the count goes up and sleep again, with nobody left to wake it.
//! Written blind: Drop notifies first and raises the count after, in a separate lock scope ("wake them up, then hand it over", and notify_one needs no lock anyway): the woken waiter can look before the count goes up, go back to sleep, and nobody wakes it again.
//! expect-fail: model-no-lost-wake-up: raise the count under the mutex the waiters sleep on, and then notify
//! expect-fail: model-peak-bounded: raise the count under the mutex the waiters sleep on, and then notify
//! expect-fail: model-timeout-takes-returned: a lost wake-up

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
        self.semaphore.cv.notify_one();
        let mut free = self.semaphore.free.lock().unwrap();
        *free += 1;
    }
}
