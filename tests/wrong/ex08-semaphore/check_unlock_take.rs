//! Known wrong: acquire waits for a free permit in one lock scope and takes it in another: two threads can both see the last permit and both take it.
//! Written blind: check and take in two lock scopes (`wait_until_free()` then `take_one()`), the Python habit of `if sem._value > 0:` then `sem._value -= 1` split into tidy helper methods; two threads can both see the last permit.
//! expect-fail: model-peak-bounded: check and take in one lock scope
//! expect-fail: model-no-lost-wake-up: check and take in one lock scope

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

    /// Sleeps until the count is above zero (the lock is let go on return).
    fn wait_until_free(&self, deadline: Option<Instant>) -> bool {
        let mut free = self.free.lock().unwrap();
        while *free == 0 {
            match deadline {
                None => free = self.cv.wait(free).unwrap(),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    free = self.cv.wait_timeout(free, left).unwrap().0;
                }
            }
        }
        true
    }

    fn take_one(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap();
        *free = free.saturating_sub(1);
        Permit { semaphore: self }
    }

    pub fn acquire(&self) -> Permit<'_> {
        self.wait_until_free(None);
        self.take_one()
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        if self.available() > 0 {
            Some(self.take_one())
        } else {
            None
        }
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        if self.wait_until_free(Some(Instant::now() + timeout)) {
            Some(self.take_one())
        } else {
            None
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
