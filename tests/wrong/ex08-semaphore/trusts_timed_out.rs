//! Known wrong: acquire_timeout has a deadline but returns None as soon as `timed_out()` says so, without looking at the count: a permit given back as the time ran out is left behind.
//! Written blind: acquire_timeout has a proper deadline but leaves as soon as `timed_out()` says so, without looking at the count: "the docs say timed_out() tells you the time is up"; a permit that came back as the time ran out stays free while the others sleep, its notify_one swallowed.
//! expect-fail: model-timeout-takes-returned: look at the state first

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
        while *free == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            let (guard, result) = self.cv.wait_timeout(free, left).unwrap();
            if result.timed_out() {
                return None;
            }
            free = guard;
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
