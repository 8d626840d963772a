//! ex08 · A semaphore of your own: the reference solution.
//!
//! One mutex guards one number, the free permits; one condvar is where
//! threads sleep while it is zero. Every decision ("is one free? then it is
//! mine") is made under that mutex, so no two threads can take the same
//! permit. A `Permit` knows only its semaphore: its `Drop` gives the permit
//! back, on every way out of its scope, an unwinding panic included.

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
// The facade's clock: std's, except under the model checker, where a
// timeout jumps the model's clock to its deadline.
use kata_sync::time::Instant;

pub struct Semaphore {
    /// The free permits. Lowered only by a thread that saw it above zero
    /// in the same lock scope; raised only by a `Permit`'s drop.
    free: Mutex<usize>,
    /// Notified once per permit given back.
    returned: Condvar,
}

/// A permit: a borrow of its semaphore, not of its lock. Holding the
/// `MutexGuard` here instead would let one holder in at a time.
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
        // `while`, never `if`: a wake-up only says "look again". It may be
        // spurious, or another thread (a `try_acquire`, say) may have taken
        // the returned permit before this one got the lock back.
        while *free == 0 {
            free = self.returned.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        // Still under the lock that saw it above zero: the check and the
        // take are one step.
        self.take(free)
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let free = self.lock();
        (*free > 0).then(|| self.take(free))
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        // The deadline is fixed once: each wake-up waits only for what is
        // left, so spurious wake-ups cannot stretch the wait beyond it.
        let deadline = Instant::now().checked_add(timeout);
        let mut free = self.lock();
        loop {
            // The count first, the clock second: a permit given back as
            // the time ran out is still taken. Leaving here on
            // `timed_out()` alone could swallow the one `notify_one` that
            // was meant for a permit, and leave it free while others sleep.
            if *free > 0 {
                return Some(self.take(free));
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                // A timeout too long to add to the clock: wait without one.
                None => Duration::MAX,
            };
            if left.is_zero() {
                return None;
            }
            free = match self.returned.wait_timeout(free, left) {
                Ok((free, _)) => free,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    pub fn available(&self) -> usize {
        *self.lock()
    }

    /// Takes one permit, with the lock that saw one free; the lock is
    /// released on return (the guard is dropped here, not kept in the
    /// permit).
    fn take(&self, mut free: MutexGuard<'_, usize>) -> Permit<'_> {
        *free -= 1;
        Permit { semaphore: self }
    }

    /// The count's lock. No code here panics while holding it, but a
    /// learner's thread may panic elsewhere; the count is one number that
    /// is never half-written, so a poisoned lock is safe to take over.
    fn lock(&self) -> MutexGuard<'_, usize> {
        self.free.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Permit<'_> {
    /// Runs on every way out of the holder's scope: the end of it, an early
    /// `return` or `?`, and a panic unwinding through it. That is what makes
    /// the permit come back "however the holder leaves".
    fn drop(&mut self) {
        let semaphore = self.semaphore;
        // Raise the count under the lock: a waiter checks it under the same
        // lock before it sleeps, so it either sees this permit or is asleep
        // already and hears the notify below. Notifying after the lock is
        // released saves the woken thread one bump into a held lock.
        *semaphore.lock() += 1;
        // One permit came back, so one waiter is enough: every waiter
        // wants the same thing, and whoever is woken either takes it or
        // finds it taken by a thread that will give it back (and notify)
        // in its turn.
        semaphore.returned.notify_one();
    }
}
