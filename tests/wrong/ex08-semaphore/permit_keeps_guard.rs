//! Known wrong: the Permit keeps the MutexGuard, so the lock is held as long as the permit: one holder at a time, and try_acquire/available on the holder's thread deadlock.
//! Written blind: the Permit keeps the MutexGuard (the borrow checker stops complaining once the guard lives in the Permit, and Drop can `*guard += 1` with no re-lock); so the lock is held for as long as the permit: one holder at a time, and try_acquire/available block behind it.
//! expect-fail: peak-is-k: Does the permit keep the lock's guard

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

pub struct Semaphore {
    free: Mutex<usize>,
    cv: Condvar,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
    guard: Option<MutexGuard<'a, usize>>,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            cv: Condvar::new(),
        }
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut guard = self.free.lock().unwrap();
        while *guard == 0 {
            guard = self.cv.wait(guard).unwrap();
        }
        *guard -= 1;
        Permit {
            semaphore: self,
            guard: Some(guard),
        }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut guard = self.free.lock().unwrap();
        if *guard == 0 {
            return None;
        }
        *guard -= 1;
        Some(Permit {
            semaphore: self,
            guard: Some(guard),
        })
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now() + timeout;
        let mut guard = self.free.lock().unwrap();
        while *guard == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            guard = self.cv.wait_timeout(guard, left).unwrap().0;
        }
        *guard -= 1;
        Some(Permit {
            semaphore: self,
            guard: Some(guard),
        })
    }

    pub fn available(&self) -> usize {
        *self.free.lock().unwrap()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Some(mut guard) = self.guard.take() {
            *guard += 1;
        }
        self.semaphore.cv.notify_one();
    }
}
