//! Known wrong: acquire_timeout loops on wait_timeout with the full timeout each turn: every wake-up restarts the clock, so it gives up far past its timeout.
//! Written blind: acquire_timeout loops on `wait_timeout(guard, timeout)` with the full timeout each turn (the while-loop lesson learned, the deadline one not): every spurious or stolen wake-up restarts the clock, so it waits far past its time and takes permits that came back too late.
//! expect-fail: model-timeout-on-time: whole timeout again

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
        while *free == 0 {
            free = self.cv.wait(free).unwrap();
        }
        *free -= 1;
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
        while *free == 0 {
            let (guard, result) = self.cv.wait_timeout(free, timeout).unwrap();
            free = guard;
            if result.timed_out() && *free == 0 {
                return None;
            }
        }
        *free -= 1;
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
