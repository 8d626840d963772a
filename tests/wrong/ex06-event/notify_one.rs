//! Known wrong: set() wakes one waiter with notify_one, and the other waiters sleep on with the flag up.
//! expect-fail: model-no-lost-wake-up: use `notify_all`
use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
// The facade's clock: std's, except under the model checker, where a
// timeout jumps the model's clock to its deadline.
use kata_sync::time::Instant;

pub struct Event {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    set: bool,
    /// How many times `set` raised the flag; only ever grows.
    generation: u64,
}

impl Event {
    pub fn new() -> Self {
        Event {
            state: Mutex::new(State {
                set: false,
                generation: 0,
            }),
            changed: Condvar::new(),
        }
    }

    pub fn set(&self) {
        let mut state = self.lock();
        if !state.set {
            state.set = true;
            state.generation += 1;
            // Every waiter waits for the same thing, so all of them must
            // hear it: `notify_one` would wake one and leave the rest asleep
            // with the flag up.
            self.changed.notify_one();
        }
        // Notifying under the lock or after it are both correct: a waiter
        // checks the state under the same lock before it sleeps, so it
        // cannot miss this change either way.
    }

    pub fn clear(&self) {
        self.lock().set = false;
    }

    pub fn is_set(&self) -> bool {
        self.lock().set
    }

    pub fn wait(&self) {
        let mut state = self.lock();
        let started = state.generation;
        while !state.set && state.generation == started {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        // The deadline is fixed once: each wake-up waits only for what is
        // left, so spurious wake-ups cannot stretch the wait beyond it.
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.lock();
        let started = state.generation;
        loop {
            if state.set || state.generation != started {
                return true;
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                // A timeout too long to add to the clock: wait without one.
                None => Duration::MAX,
            };
            if left.is_zero() {
                return false;
            }
            state = match self.changed.wait_timeout(state, left) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// The state's lock. No code panics while holding it, but a learner's
    /// thread may panic elsewhere; the state is two plain fields that are
    /// never half-written, so a poisoned lock is safe to take over.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
