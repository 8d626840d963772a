//! Known wrong: acquire_timeout calls wait_timeout once and then gives up if no permit is free: a spurious or stolen wake-up ends the wait long before the timeout.
//! Written blind: acquire_timeout waits `wait_timeout(d)` once and then looks: the Python mental model of `acquire(timeout=d)` as "one sleep of d", so a spurious or stolen wake-up gives up long before d has passed.
//! expect-fail: model-timeout-on-time: a spurious wake-up ended the wait
//! expect-fail: model-timeout-takes-returned: took that for the end

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};

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
        let mut free = self.free.lock().unwrap();
        if *free == 0 {
            free = self.cv.wait_timeout(free, timeout).unwrap().0;
        }
        // checked the count, not the flag: a permit that came back is ours
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(Permit { semaphore: self })
    }

    pub fn available(&self) -> usize {
        *self.free.lock().unwrap()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.semaphore.free.lock().unwrap() += 1;
        self.semaphore.cv.notify_one();
    }
}
