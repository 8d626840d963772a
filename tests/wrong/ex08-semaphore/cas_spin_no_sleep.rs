//! Known wrong: a lock-free AtomicUsize taken by compare_exchange, and waiters spin on it with `spin_loop` instead of sleeping: a waiter burns a core.
//! Written blind: a lock-free AtomicUsize with a compare_exchange loop and spin_loop() hints, "faster than a Mutex": the counts are right, but a waiter never sleeps, it spins on the CAS.
//! expect-fail: waiting-sleeps: kept the CPU busy while it waited
//! expect-fail: model-timeout-on-time: looped without ever blocking

use std::time::Duration;

use kata_sync::hint;
use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::time::Instant;

pub struct Semaphore {
    free: AtomicUsize,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: AtomicUsize::new(permits),
        }
    }

    fn take(&self) -> bool {
        self.free
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok()
    }

    pub fn acquire(&self) -> Permit<'_> {
        while !self.take() {
            hint::spin_loop();
        }
        Permit { semaphore: self }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        self.take().then(|| Permit { semaphore: self })
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let start = Instant::now();
        loop {
            if self.take() {
                return Some(Permit { semaphore: self });
            }
            if start.elapsed() >= timeout {
                return None;
            }
            hint::spin_loop();
        }
    }

    pub fn available(&self) -> usize {
        self.free.load(Ordering::Acquire)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.free.fetch_add(1, Ordering::AcqRel);
    }
}
