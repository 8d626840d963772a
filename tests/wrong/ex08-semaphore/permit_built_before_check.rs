//! Known wrong: try_acquire and acquire_timeout build the Permit before checking the count: on the None path the unused Permit's Drop gives back a permit nobody took, so the count climbs past `permits`.
//! Written blind: try_acquire and acquire_timeout build the Permit first and check the count after ("make the guard up front so every path releases", RAII half-learned); on the None path the unused Permit is dropped and its Drop gives back a permit nobody took, so the count climbs past `permits`.
//! expect-fail: counts: try_acquire() → None, then available() → 1
//! expect-fail: model-peak-bounded: more threads held a permit than there are permits

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
        let permit = Permit { semaphore: self };
        let mut free = self.free.lock().unwrap();
        while *free == 0 {
            free = self.cv.wait(free).unwrap();
        }
        *free -= 1;
        drop(free);
        permit
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let permit = Permit { semaphore: self };
        let mut free = self.free.lock().unwrap();
        if *free == 0 {
            return None;
        }
        *free -= 1;
        drop(free);
        Some(permit)
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let permit = Permit { semaphore: self };
        let deadline = Instant::now() + timeout;
        let mut free = self.free.lock().unwrap();
        loop {
            if *free > 0 {
                *free -= 1;
                drop(free);
                return Some(permit);
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
        *self.semaphore.free.lock().unwrap() += 1;
        self.semaphore.cv.notify_one();
    }
}
