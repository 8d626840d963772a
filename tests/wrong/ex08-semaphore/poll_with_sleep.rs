//! Known wrong: acquire and acquire_timeout poll try_acquire with `thread::sleep(1 ms)` between looks: a waiter looks at the count in a loop instead of sleeping on a condvar.
//! Written blind: acquire polls the count with `thread::sleep(1 ms)` between looks (Python's `while not sem.acquire(blocking=False): time.sleep(0.001)`), "sleeping so it costs no CPU": it still looks at the count in a loop, and under the model a sleep is no wait at all.
//! expect-fail: model-no-lost-wake-up: a waiter called thread::sleep
//! expect-fail: model-peak-bounded: a waiter called thread::sleep

use std::time::Duration;

use kata_sync::sync::Mutex;
use kata_sync::thread;
use kata_sync::time::Instant;

const POLL: Duration = Duration::from_millis(1);

pub struct Semaphore {
    free: Mutex<usize>,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
        }
    }

    pub fn acquire(&self) -> Permit<'_> {
        loop {
            if let Some(permit) = self.try_acquire() {
                return permit;
            }
            thread::sleep(POLL);
        }
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
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(permit) = self.try_acquire() {
                return Some(permit);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            thread::sleep(left.min(POLL));
        }
    }

    pub fn available(&self) -> usize {
        *self.free.lock().unwrap()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.semaphore.free.lock().unwrap() += 1;
    }
}
