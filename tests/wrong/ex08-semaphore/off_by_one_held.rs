//! Known wrong: counts holders and lets a thread in while `held <= limit`: limit + 1 threads hold a permit at once, and try_acquire at 0 free says a permit.
//! Written blind: counts holders instead of free permits and checks `held <= limit` before taking (an off-by-one from "at most `limit`"), so `limit + 1` threads get in; available() is `limit - held`, saturating to hide the underflow.
//! expect-fail: counts: try_acquire() → a permit, then available() → 0
//! expect-fail: waiting-sleeps: it did not block
//! expect-fail: model-peak-bounded: more threads held a permit than there are permits
//! expect-fail: model-no-lost-wake-up: more threads held a permit than there are permits

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

pub struct Semaphore {
    limit: usize,
    held: Mutex<usize>,
    cv: Condvar,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            limit: permits,
            held: Mutex::new(0),
            cv: Condvar::new(),
        }
    }

    fn room(&self, held: usize) -> bool {
        // at most `limit` holders
        held <= self.limit && self.limit > 0
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut held = self.held.lock().unwrap();
        while !self.room(*held) {
            held = self.cv.wait(held).unwrap();
        }
        *held += 1;
        Permit { semaphore: self }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut held = self.held.lock().unwrap();
        if !self.room(*held) {
            return None;
        }
        *held += 1;
        Some(Permit { semaphore: self })
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now() + timeout;
        let mut held = self.held.lock().unwrap();
        loop {
            if self.room(*held) {
                *held += 1;
                return Some(Permit { semaphore: self });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            held = self.cv.wait_timeout(held, left).unwrap().0;
        }
    }

    pub fn available(&self) -> usize {
        self.limit.saturating_sub(*self.held.lock().unwrap())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.semaphore.held.lock().unwrap() -= 1;
        self.semaphore.cv.notify_one();
    }
}
