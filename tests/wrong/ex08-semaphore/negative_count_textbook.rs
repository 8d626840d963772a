//! Known wrong: the textbook signed count (P: count -= 1 and wait while count < 0; V: count += 1 and signal if count <= 0) with a Condvar: while another waits the count stays negative, so the woken waiter sleeps again beside the returned permit.
//! Written blind: the OS-textbook semaphore with a signed count (P: `count -= 1; while count < 0 { wait }`, V: `count += 1; if count <= 0 { signal }`) done with a Condvar: while others still wait the count stays negative, so the woken waiter goes back to sleep and the permit is never used.
//! expect-fail: model-no-lost-wake-up: next to a free permit
//! expect-fail: model-peak-bounded: next to a free permit

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

pub struct Semaphore {
    /// Free permits when positive; minus the number of waiters when negative.
    count: Mutex<isize>,
    cv: Condvar,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            count: Mutex::new(permits as isize),
            cv: Condvar::new(),
        }
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut count = self.count.lock().unwrap();
        *count -= 1;
        while *count < 0 {
            count = self.cv.wait(count).unwrap();
        }
        Permit { semaphore: self }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut count = self.count.lock().unwrap();
        if *count <= 0 {
            return None;
        }
        *count -= 1;
        Some(Permit { semaphore: self })
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now() + timeout;
        let mut count = self.count.lock().unwrap();
        *count -= 1;
        while *count < 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                *count += 1; // no longer waiting
                return None;
            }
            count = self.cv.wait_timeout(count, left).unwrap().0;
        }
        Some(Permit { semaphore: self })
    }

    pub fn available(&self) -> usize {
        (*self.count.lock().unwrap()).max(0) as usize
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut count = self.semaphore.count.lock().unwrap();
        *count += 1;
        if *count <= 0 {
            // someone is waiting
            self.semaphore.cv.notify_one();
        }
    }
}
