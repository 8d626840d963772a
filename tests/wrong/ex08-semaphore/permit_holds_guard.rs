//! Known wrong: the Permit keeps the MutexGuard inside it, so one holder at a time gets in: a mutex, not a semaphore.
//! expect-fail: peak-is-k: Does the permit keep the lock's guard

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

pub struct Semaphore {
    free: Mutex<usize>,
    returned: Condvar,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
    guard: Option<MutexGuard<'a, usize>>,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            returned: Condvar::new(),
        }
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.lock();
        while *free == 0 {
            free = self.returned.wait(free).unwrap();
        }
        *free -= 1;
        Permit { semaphore: self, guard: Some(free) }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.lock();
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(Permit { semaphore: self, guard: Some(free) })
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now() + timeout;
        let mut free = self.lock();
        loop {
            if *free > 0 {
                *free -= 1;
                return Some(Permit { semaphore: self, guard: Some(free) });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            free = self.returned.wait_timeout(free, left).unwrap().0;
        }
    }

    pub fn available(&self) -> usize {
        *self.lock()
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        self.free.lock().unwrap()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        // Gives the count back through the guard it kept.
        if let Some(mut guard) = self.guard.take() {
            *guard += 1;
        }
        self.semaphore.returned.notify_one();
    }
}
