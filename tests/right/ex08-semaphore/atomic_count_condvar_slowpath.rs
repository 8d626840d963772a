//! Known right: the count is an AtomicUsize taken by CAS with no lock on the fast path; sleepers retry the CAS under a Mutex<()> and sleep on its Condvar, and a drop takes that mutex before notify_one.
//! Written blind: right: the count is an AtomicUsize taken by a CAS (fast path, no lock); sleepers re-try the CAS under a Mutex<()> and sleep on a Condvar, and a dropped permit takes that mutex before notify_one, so no wake-up is lost.

use std::time::Duration;

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

/// A counting semaphore. Shared by reference (`&Semaphore`) or in an `Arc`;
/// every method takes `&self`.
pub struct Semaphore {
    free: AtomicUsize,
    sleep: Mutex<()>,
    returned: Condvar,
}

/// One permit of a [`Semaphore`], held until this value is dropped.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: AtomicUsize::new(permits),
            sleep: Mutex::new(()),
            returned: Condvar::new(),
        }
    }

    /// Lowers the count by one if it is above zero, in one atomic step.
    fn take(&self) -> bool {
        let mut seen = self.free.load(Ordering::SeqCst);
        loop {
            if seen == 0 {
                return false;
            }
            match self
                .free
                .compare_exchange(seen, seen - 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return true,
                Err(now) => seen = now,
            }
        }
    }

    fn sleep_lock(&self) -> MutexGuard<'_, ()> {
        self.sleep.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn acquire(&self) -> Permit<'_> {
        if self.take() {
            return Permit { semaphore: self };
        }
        let mut guard = self.sleep_lock();
        while !self.take() {
            guard = self
                .returned
                .wait(guard)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        drop(guard);
        Permit { semaphore: self }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        if self.take() {
            Some(Permit { semaphore: self })
        } else {
            None
        }
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        if self.take() {
            return Some(Permit { semaphore: self });
        }
        let deadline = Instant::now().checked_add(timeout);
        let mut guard = self.sleep_lock();
        loop {
            if self.take() {
                return Some(Permit { semaphore: self });
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::from_secs(u64::from(u32::MAX)),
            };
            if left.is_zero() {
                return None;
            }
            guard = match self.returned.wait_timeout(guard, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    pub fn available(&self) -> usize {
        self.free.load(Ordering::SeqCst)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let semaphore = self.semaphore;
        semaphore.free.fetch_add(1, Ordering::SeqCst);
        // A sleeper checks the count while holding `sleep` and releases it
        // only inside `wait`: taking it here means every sleeper that saw 0
        // is already waiting, and hears this.
        drop(semaphore.sleep_lock());
        semaphore.returned.notify_one();
    }
}
