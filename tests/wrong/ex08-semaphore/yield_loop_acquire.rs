//! Known wrong: acquire and acquire_timeout loop on try_acquire with `yield_now` and never sleep on a condvar: a waiter burns a core.
//! Written blind: acquire is `loop { try_acquire(); yield_now() }`: correct counts, no Condvar to get wrong, and the learner thinks yield_now is "sleeping politely"; it burns a core for as long as it waits.
//! expect-fail: waiting-sleeps: kept the CPU busy while it waited
//! expect-fail: model-timeout-on-time: looped without ever blocking

use std::time::Duration;

use kata_sync::sync::Mutex;
use kata_sync::thread;
use kata_sync::time::Instant;

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
            thread::yield_now();
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
            if Instant::now() >= deadline {
                return None;
            }
            thread::yield_now();
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
