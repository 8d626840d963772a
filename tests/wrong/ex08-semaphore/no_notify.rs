//! Known wrong: dropping a permit raises the count but notifies nobody: waiters sleep next to a free permit.
//! expect-fail: model-no-lost-wake-up: next to a free permit

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

pub struct Semaphore {
    free: Mutex<usize>,
    returned: Condvar,
}

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

    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.lock();
        while *free == 0 {
            free = self.returned.wait(free).unwrap();
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
        let deadline = Instant::now() + timeout;
        let mut free = self.lock();
        loop {
            if *free > 0 {
                *free -= 1;
                return Some(Permit { semaphore: self });
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
        *self.semaphore.lock() += 1;
    }
}
