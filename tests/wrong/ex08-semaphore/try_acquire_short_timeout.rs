//! Known wrong: `try_acquire` is `acquire_timeout(10 ms)`: at 0 permits it waits instead of answering None at once.
//! Written blind: try_acquire is `acquire_timeout(10 ms)`, from Python where `acquire(blocking=False)` and `acquire(timeout=...)` are one method: at zero it blocks for 10 ms instead of answering None at once.
//! expect-fail: model-timeout-on-time: it answers at once (None), it never waits

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

/// How long a "non-blocking" try waits, to give a permit a chance to come back.
const TRY_GRACE: Duration = Duration::from_millis(10);

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
        self.acquire_timeout(TRY_GRACE)
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
