//! Known right: the free count and the number of sleepers under one Mutex; wait_while / wait_timeout_while do the loops, and a drop notifies (under the lock) only when someone sleeps.
//! Written blind: right: state {free, sleepers} under one Mutex; wait_while / wait_timeout_while do the loop, and a dropped permit notifies (notify_one, under the lock) only when someone sleeps.

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};

struct State {
    free: usize,
    sleepers: usize,
}

/// A counting semaphore. Shared by reference (`&Semaphore`) or in an `Arc`;
/// every method takes `&self`.
pub struct Semaphore {
    state: Mutex<State>,
    freed: Condvar,
}

/// One permit of a [`Semaphore`], held until this value is dropped.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore {
            state: Mutex::new(State {
                free: permits,
                sleepers: 0,
            }),
            freed: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn take(&self, mut state: MutexGuard<'_, State>) -> Permit<'_> {
        debug_assert!(state.free > 0);
        state.free -= 1;
        Permit { semaphore: self }
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut state = self.state();
        if state.free == 0 {
            state.sleepers += 1;
            state = match self.freed.wait_while(state, |s| s.free == 0) {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            state.sleepers -= 1;
        }
        self.take(state)
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let state = self.state();
        if state.free == 0 {
            None
        } else {
            Some(self.take(state))
        }
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let mut state = self.state();
        if state.free == 0 {
            state.sleepers += 1;
            state = match self.freed.wait_timeout_while(state, timeout, |s| s.free == 0) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
            state.sleepers -= 1;
            // Look at the count, not at timed_out(): a permit that came
            // back just in time is ours.
            if state.free == 0 {
                return None;
            }
        }
        Some(self.take(state))
    }

    pub fn available(&self) -> usize {
        self.state().free
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.semaphore.state();
        state.free += 1;
        if state.sleepers > 0 {
            self.semaphore.freed.notify_one();
        }
    }
}
