//! Known right: the permits are numbered slots in a Mutex<Vec<bool>>; a Permit frees the slot it holds, waiters use wait_while / wait_timeout_while, and a drop notifies all.
//! Written blind: right: the permits are numbered slots (Mutex<Vec<bool>>), a Permit remembers which slot it holds and frees that one; waiters wait in wait_while / wait_timeout_while and a drop notify_all's.

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};

/// A counting semaphore. Shared by reference (`&Semaphore`) or in an `Arc`;
/// every method takes `&self`.
pub struct Semaphore {
    /// `taken[i]` says whether slot `i` is held.
    taken: Mutex<Vec<bool>>,
    changed: Condvar,
}

/// One permit of a [`Semaphore`], held until this value is dropped.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
    slot: usize,
}

fn has_free(taken: &[bool]) -> bool {
    taken.iter().any(|held| !held)
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            taken: Mutex::new(vec![false; permits]),
            changed: Condvar::new(),
        }
    }

    fn slots(&self) -> MutexGuard<'_, Vec<bool>> {
        self.taken.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes a free slot, under the lock the caller holds.
    fn claim(&self, mut taken: MutexGuard<'_, Vec<bool>>) -> Option<Permit<'_>> {
        let slot = taken.iter().position(|held| !held)?;
        taken[slot] = true;
        Some(Permit {
            semaphore: self,
            slot,
        })
    }

    pub fn acquire(&self) -> Permit<'_> {
        let taken = self.slots();
        let taken = self
            .changed
            .wait_while(taken, |taken| !has_free(taken))
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.claim(taken).expect("wait_while returned with a free slot")
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        self.claim(self.slots())
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let taken = self.slots();
        let (taken, _) = match self
            .changed
            .wait_timeout_while(taken, timeout, |taken| !has_free(taken))
        {
            Ok(result) => result,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Whatever the clock says, a free slot is ours.
        self.claim(taken)
    }

    pub fn available(&self) -> usize {
        self.slots().iter().filter(|held| !**held).count()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut taken = self.semaphore.slots();
        debug_assert!(taken[self.slot]);
        taken[self.slot] = false;
        drop(taken);
        self.semaphore.changed.notify_all();
    }
}
