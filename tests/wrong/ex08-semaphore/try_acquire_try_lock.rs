//! Known wrong: try_acquire takes the lock with try_lock, so it says None whenever another thread merely holds the lock, even with permits free.
//! Written blind: try_acquire uses `Mutex::try_lock` ("try means never block, so never wait for the lock either"): it says None whenever another thread merely holds the lock, even with permits free.
//! expect-fail: model-peak-bounded: not do not wait for the lock

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
        let mut free = self.free.try_lock().ok()?;
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
        *self.semaphore.free.lock().unwrap() += 1;
        self.semaphore.cv.notify_one();
    }
}
