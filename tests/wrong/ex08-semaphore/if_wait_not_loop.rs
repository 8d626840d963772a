//! Known wrong: `if` instead of `while` around the waits of acquire and acquire_timeout: a spurious or stolen wake-up is taken for a permit, so more threads hold one than there are permits.
//! Written blind: `if *free == 0 { wait }` instead of `while`: a learner who thinks a wake-up means "a permit is mine" (notify_one woke me, so one came back), and is bitten by spurious wake-ups and by a thread that took the permit first.
//! expect-fail: model-peak-bounded: wait in a `while` loop
//! expect-fail: model-no-lost-wake-up: wait in a `while` loop
//! expect-fail: model-timeout-on-time: a wake-up is not news

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
        if *free == 0 {
            // notified: someone dropped a permit, it is ours now
            free = self.cv.wait(free).unwrap();
        }
        *free = free.saturating_sub(1);
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
            let (guard, result) = self.cv.wait_timeout(free, timeout).unwrap();
            free = guard;
            if result.timed_out() && *free == 0 {
                return None;
            }
            // not timed out: notified, so a permit came back for us
        }
        *free = free.saturating_sub(1);
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
