//! Known right: a Mutex<usize> of free permits and one Condvar; while-loop waits, notify_one on drop, and acquire_timeout fixes its deadline once and looks at the count before the clock.
//! Written blind: right: a Mutex<usize> of free permits and one Condvar; while-loop waits, notify_one on drop, a deadline fixed once and the count checked before the clock.

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

/// A counting semaphore. Shared by reference (`&Semaphore`) or in an `Arc`;
/// every method takes `&self`.
pub struct Semaphore {
    free: Mutex<usize>,
    returned: Condvar,
}

/// One permit of a [`Semaphore`], held until this value is dropped.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            returned: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        self.free.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.lock();
        while *free == 0 {
            free = self
                .returned
                .wait(free)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.lock();
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(Permit { semaphore: self })
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now().checked_add(timeout);
        let mut free = self.lock();
        loop {
            if *free > 0 {
                *free -= 1;
                return Some(Permit { semaphore: self });
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::from_secs(60 * 60 * 24 * 365),
            };
            if left.is_zero() {
                return None;
            }
            free = match self.returned.wait_timeout(free, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    pub fn available(&self) -> usize {
        *self.lock()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut free = self.semaphore.lock();
        *free += 1;
        drop(free);
        self.semaphore.returned.notify_one();
    }
}
