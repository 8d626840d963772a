//! Known right: the count is an AtomicUsize taken by compare-and-swap, without a lock when a permit is free; a Mutex and Condvar only for sleeping while none is.

use std::time::Duration;

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

pub struct Semaphore {
    free: AtomicUsize,
    /// Guards nothing but the sleep: a waiter looks at `free` again while
    /// holding it before sleeping, and a releaser takes it before notifying.
    sleepers: Mutex<()>,
    returned: Condvar,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: AtomicUsize::new(permits),
            sleepers: Mutex::new(()),
            returned: Condvar::new(),
        }
    }

    /// One permit, if the count is above zero: the check and the decrement
    /// are one compare-and-swap.
    fn grab(&self) -> Option<Permit<'_>> {
        self.free
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .ok()
            .map(|_| Permit { semaphore: self })
    }

    pub fn acquire(&self) -> Permit<'_> {
        if let Some(permit) = self.grab() {
            return permit;
        }
        let mut guard = self.sleepers();
        loop {
            if let Some(permit) = self.grab() {
                return permit;
            }
            guard = self.returned.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        self.grab()
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        if let Some(permit) = self.grab() {
            return Some(permit);
        }
        let deadline = Instant::now().checked_add(timeout);
        let mut guard = self.sleepers();
        loop {
            if let Some(permit) = self.grab() {
                return Some(permit);
            }
            let left = deadline.map_or(Duration::MAX, |d| d.saturating_duration_since(Instant::now()));
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

    fn sleepers(&self) -> MutexGuard<'_, ()> {
        self.sleepers.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let semaphore = self.semaphore;
        semaphore.free.fetch_add(1, Ordering::SeqCst);
        // A waiter that saw 0 holds `sleepers` until it sleeps: taking it
        // here means the notify cannot fall between its look and its sleep.
        drop(semaphore.sleepers());
        // Every waiter, the simple choice: each woken one looks again, and
        // all but one go back to sleep (notify_one would do as well).
        semaphore.returned.notify_all();
    }
}
